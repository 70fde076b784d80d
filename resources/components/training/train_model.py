# workbench: packages=numpy
from kfp.dsl import ClassificationMetrics, Dataset, Input, Metrics, Model, Output


def train_model(train: Input[Dataset], test: Input[Dataset], model: Output[Model], metrics: Output[Metrics],
                roc: Output[ClassificationMetrics], algorithm: str = "logistic_regression",
                learning_rate: float = 0.1, epochs: int = 60, seed: int = 7) -> float:
    """Train logistic_regression, gradient_boosting or neural_net; score ROC AUC on the held-out test set.

    Prints its training curve live as WORKBENCH_METRIC lines.
    """
    import json

    import numpy as np

    epochs = int(epochs)  # loop items over JSON lists arrive as numbers that may be floats

    def load(path):
        data = np.genfromtxt(path, delimiter=",", skip_header=1)
        return data[:, :-1], data[:, -1]

    def sigmoid(z):
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def log_loss(y, p):
        p = np.clip(p, 1e-7, 1 - 1e-7)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    def report(step, loss):
        print("WORKBENCH_METRIC " + json.dumps({"name": "loss", "value": round(loss, 6), "step": step}), flush=True)

    def fit_logistic(x, y):
        w, b = np.zeros(x.shape[1]), 0.0
        for epoch in range(epochs):
            p = sigmoid(x @ w + b)
            w -= learning_rate * (x.T @ (p - y) / len(y) + 1e-3 * w)
            b -= learning_rate * float(np.mean(p - y))
            report(epoch, log_loss(y, p))
        return {"w": w.tolist(), "b": b}, lambda xs: sigmoid(xs @ w + b)

    def fit_boosting(x, y):
        stumps, raw = [], np.zeros(len(y))
        for epoch in range(epochs):
            residual = y - sigmoid(raw)
            best = None
            for feature in range(x.shape[1]):
                threshold = float(np.median(x[:, feature]))
                left = x[:, feature] <= threshold
                lv, rv = residual[left].mean() if left.any() else 0.0, residual[~left].mean() if (~left).any() else 0.0
                error = float(np.sum((residual - np.where(left, lv, rv)) ** 2))
                if best is None or error < best[0]:
                    best = (error, feature, threshold, lv * 4, rv * 4)
            _, feature, threshold, lv, rv = best
            stumps.append((feature, threshold, lv, rv))
            raw += learning_rate * np.where(x[:, feature] <= threshold, lv, rv)
            report(epoch, log_loss(y, sigmoid(raw)))

        def predict(xs):
            total = np.zeros(len(xs))
            for feature, threshold, lv, rv in stumps:
                total += learning_rate * np.where(xs[:, feature] <= threshold, lv, rv)
            return sigmoid(total)
        return {"stumps": stumps}, predict

    def fit_network(x, y):
        rng = np.random.default_rng(seed)
        w1, b1 = rng.normal(0, 0.3, (x.shape[1], 16)), np.zeros(16)
        w2, b2 = rng.normal(0, 0.3, 16), 0.0
        for epoch in range(epochs):
            hidden = np.tanh(x @ w1 + b1)
            p = sigmoid(hidden @ w2 + b2)
            grad = (p - y) / len(y)
            grad_hidden = np.outer(grad, w2) * (1 - hidden ** 2)
            w2 -= learning_rate * hidden.T @ grad
            b2 -= learning_rate * float(grad.sum())
            w1 -= learning_rate * x.T @ grad_hidden
            b1 -= learning_rate * grad_hidden.sum(axis=0)
            report(epoch, log_loss(y, p))
        return ({"w1": w1.tolist(), "b1": b1.tolist(), "w2": w2.tolist(), "b2": b2},
                lambda xs: sigmoid(np.tanh(xs @ w1 + b1) @ w2 + b2))

    trainers = {"logistic_regression": fit_logistic, "gradient_boosting": fit_boosting, "neural_net": fit_network}
    if algorithm not in trainers:
        raise ValueError(f"unknown algorithm {algorithm!r}; choose one of {sorted(trainers)}")
    x_train, y_train = load(train.path)
    x_test, y_test = load(test.path)
    parameters, predict = trainers[algorithm](x_train, y_train)
    scores = predict(x_test)
    order = np.argsort(-scores)
    positives, negatives = max(y_test.sum(), 1), max(len(y_test) - y_test.sum(), 1)
    tpr = np.concatenate([[0.0], np.cumsum(y_test[order]) / positives])
    fpr = np.concatenate([[0.0], np.cumsum(1 - y_test[order]) / negatives])
    auc = float(np.trapezoid(tpr, fpr)) if hasattr(np, "trapezoid") else float(np.trapz(tpr, fpr))
    predicted = (scores >= 0.5).astype(float)
    accuracy = float(np.mean(predicted == y_test))
    picks = np.linspace(0, len(order), 21).astype(int)
    thresholds = [float(scores[order[min(i, len(order) - 1)]]) for i in picks]
    roc.log_roc_curve(fpr[picks].tolist(), tpr[picks].tolist(), thresholds)
    matrix = [[int(np.sum((y_test == a) & (predicted == b))) for b in (0, 1)] for a in (0, 1)]
    roc.log_confusion_matrix(["negative", "positive"], matrix)
    metrics.log_metric("accuracy", round(accuracy, 4))
    metrics.log_metric("roc_auc", round(auc, 4))
    with open(model.path, "w") as handle:
        json.dump({"algorithm": algorithm, "parameters": parameters}, handle)
    model.metadata.update({"algorithm": algorithm, "roc_auc": round(auc, 4), "accuracy": round(accuracy, 4)})
    print(f"{algorithm}: accuracy {accuracy:.3f}, ROC AUC {auc:.3f}")
    return round(auc, 4)
