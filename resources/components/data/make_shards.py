def make_shards(n_shards: int = 6, rows_per_shard: int = 5000) -> list:
    """Describe the shards to process: one entry per shard with its index, first row and size."""
    if n_shards < 1:
        raise ValueError("n_shards must be at least 1")
    shards = [{"index": i, "start": i * rows_per_shard, "rows": rows_per_shard} for i in range(n_shards)]
    print(f"{n_shards} shards of {rows_per_shard} rows")
    return shards
