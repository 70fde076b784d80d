# workbench: packages=numpy
from kfp.dsl import Dataset, Input, Metrics, Output


def validate_and_preprocess(raw: Input[Dataset], train: Output[Dataset], test: Output[Dataset],
                            stats: Output[Metrics], test_fraction: float = 0.25, seed: int = 7):
    """Check the data, impute missing values with training means, standardise, split train / test."""
    import numpy as np

    with open(raw.path) as handle:
        header = handle.readline().strip().split(",")
    if header[-1] != "label":
        raise ValueError(f"the last column must be 'label', found {header[-1]!r}")
    data = np.genfromtxt(raw.path, delimiter=",", skip_header=1)
    if data.ndim != 2 or len(data) < 10:
        raise ValueError("need at least 10 rows of data")
    labels = data[:, -1]
    if not set(np.unique(labels)) <= {0.0, 1.0}:
        raise ValueError("labels must be 0 or 1")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(data))
    cut = int(len(data) * (1.0 - test_fraction))
    train_rows, test_rows = data[order[:cut]], data[order[cut:]]
    features = train_rows[:, :-1]
    means = np.nanmean(features, axis=0)
    missing = int(np.isnan(data[:, :-1]).sum())
    for rows in (train_rows, test_rows):
        block = rows[:, :-1]
        block[np.isnan(block)] = np.take(means, np.where(np.isnan(block))[1])
    scale = train_rows[:, :-1].std(axis=0) + 1e-9
    for rows, target in ((train_rows, train), (test_rows, test)):
        rows[:, :-1] = (rows[:, :-1] - means) / scale
        np.savetxt(target.path, rows, delimiter=",", header=",".join(header), comments="", fmt="%.6f")
        target.metadata["rows"] = len(rows)
    stats.log_metric("rows", float(len(data)))
    stats.log_metric("missing_values", float(missing))
    stats.log_metric("positive_rate", float(labels.mean()))
    print(f"train {len(train_rows)} rows, test {len(test_rows)} rows, imputed {missing} missing values")
