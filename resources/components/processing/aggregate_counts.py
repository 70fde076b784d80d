def aggregate_counts(counts: list) -> int:
    """Sum the per-shard counts collected from the loop."""
    total = sum(int(c) for c in counts)
    print(f"{len(counts)} shards, {total} anomalies in total")
    return total
