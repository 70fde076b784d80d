# workbench: packages=numpy
from kfp.dsl import Dataset, Output


def load_tabular_data(dataset: Output[Dataset], n_samples: int = 2000, seed: int = 7) -> int:
    """Generate a tabular binary classification data set as CSV (a few values missing on purpose)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n_features = 8
    centers = rng.normal(0.0, 1.4, size=(4, n_features))
    labels = rng.integers(0, 2, n_samples)
    cluster = labels * 2 + rng.integers(0, 2, n_samples)
    features = centers[cluster] + rng.normal(0.0, 1.7, size=(n_samples, n_features))
    features[rng.random(features.shape) < 0.01] = np.nan
    header = ",".join([f"f{i}" for i in range(n_features)] + ["label"])
    rows = [",".join("" if np.isnan(v) else f"{v:.5f}" for v in row) + f",{label}"
            for row, label in zip(features, labels)]
    with open(dataset.path, "w") as handle:
        handle.write(header + "\n" + "\n".join(rows) + "\n")
    dataset.metadata["rows"] = n_samples
    dataset.metadata["features"] = n_features
    print(f"generated {n_samples} rows with {n_features} features")
    return n_samples
