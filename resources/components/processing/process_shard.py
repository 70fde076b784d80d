def process_shard(shard: dict, seed: int = 7) -> int:
    """Generate one shard's readings and count the anomalies (values beyond three sigma)."""
    import random

    # JSON numbers inside a loop item may arrive as floats (kfp.local turns them into doubles)
    index, start, rows = int(shard["index"]), int(shard["start"]), int(shard["rows"])
    rng = random.Random(int(seed) * 100003 + index)
    anomalies = sum(1 for _ in range(rows) if abs(rng.gauss(0.0, 1.0)) > 3.0)
    print(f"shard {index} (rows {start}..{start + rows - 1}): {anomalies} anomalies")
    return anomalies
