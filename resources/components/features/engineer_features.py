# workbench: packages=numpy
from kfp.dsl import Dataset, Input, Output


def engineer_features(train: Input[Dataset], test: Input[Dataset], train_features: Output[Dataset],
                      test_features: Output[Dataset], interactions: int = 4):
    """Add squares and pairwise products of the first `interactions` features."""
    import itertools

    import numpy as np

    for source, target in ((train, train_features), (test, test_features)):
        with open(source.path) as handle:
            header = handle.readline().strip().split(",")
        data = np.genfromtxt(source.path, delimiter=",", skip_header=1)
        features, labels = data[:, :-1], data[:, -1:]
        chosen = range(min(interactions, features.shape[1]))
        extra = [features[:, i] * features[:, j] for i, j in itertools.combinations_with_replacement(chosen, 2)]
        names = [f"{header[i]}x{header[j]}" for i, j in itertools.combinations_with_replacement(chosen, 2)]
        combined = np.column_stack([features] + extra + [labels])
        np.savetxt(target.path, combined, delimiter=",", header=",".join(header[:-1] + names + ["label"]),
                   comments="", fmt="%.6f")
        target.metadata["features"] = combined.shape[1] - 1
    print(f"added {len(names)} engineered features")
