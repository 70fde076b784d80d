def process_shard(shard: dict, seed: int = 7) -> int:
    """Generate one shard's readings and count the anomalies (values beyond three sigma)."""
    import random

    rng = random.Random(seed * 100003 + shard["index"])
    anomalies = sum(1 for _ in range(shard["rows"]) if abs(rng.gauss(0.0, 1.0)) > 3.0)
    print(f"shard {shard['index']} (rows {shard['start']}..{shard['start'] + shard['rows'] - 1}): {anomalies} anomalies")
    return anomalies
