# workbench: packages=scikit-learn==1.6.1,xgboost-cpu==2.1.4,tensorboardX==2.6.5
from kfp.dsl import ClassificationMetrics, Dataset, Input, Metrics, Model, Output


def train_model(train: Input[Dataset], test: Input[Dataset], model: Output[Model], metrics: Output[Metrics],
                roc: Output[ClassificationMetrics], algorithm: str = "logistic_regression",
                learning_rate: float = 0.1, epochs: int = 60, seed: int = 7) -> float:
    """Train logistic_regression, gradient_boosting, neural_net (scikit-learn) or xgboost; score ROC AUC
    on the held-out test set.

    Prints its training loss live, one WORKBENCH_METRIC line an epoch (a boosting round), and writes it
    as TensorBoard scalars (train/loss, then test/roc_auc and test/accuracy) to $TENSORBOARD_LOG_DIR. Saves the
    model as Vertex AI's prebuilt prediction containers load it (model.joblib or model.bst) with a
    model_card.json: framework, input schema and an example request.
    """
    import json
    import os

    import joblib
    import numpy as np
    import sklearn
    from sklearn.metrics import roc_auc_score

    epochs = int(epochs)  # loop items over JSON lists arrive as numbers that may be floats

    def load(path):
        with open(path) as handle:
            header = handle.readline().strip().split(",")
        data = np.genfromtxt(path, delimiter=",", skip_header=1)
        return header[:-1], data[:, :-1], data[:, -1]

    def sigmoid_log_loss(y, z):
        p = np.clip(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))), 1e-7, 1 - 1e-7)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    def tensorboard_writer():
        """TensorBoard scalars too, where the platform names a log folder (the workbench engine, Vertex AI)."""
        log_dir = os.environ.get("TENSORBOARD_LOG_DIR") or os.environ.get("AIP_TENSORBOARD_LOG_DIR")
        if not log_dir:
            return None
        from tensorboardX import SummaryWriter

        return SummaryWriter(log_dir, flush_secs=1)

    tensorboard = tensorboard_writer()

    def report(step, loss):
        print("WORKBENCH_METRIC " + json.dumps({"name": "loss", "value": round(float(loss), 6), "step": step}),
              flush=True)
        if tensorboard is not None:
            tensorboard.add_scalar("train/loss", float(loss), step)

    def fit_logistic(x, y):
        from sklearn.linear_model import SGDClassifier

        # a step size that shrinks with the updates: every epoch still lowers the loss (a constant one
        # settles into the same end-of-epoch point, whatever the number of epochs)
        classifier = SGDClassifier(loss="log_loss", learning_rate="invscaling", eta0=learning_rate, power_t=0.5,
                                   alpha=1e-3, random_state=seed)
        for epoch in range(epochs):
            classifier.partial_fit(x, y, classes=[0.0, 1.0])
            report(epoch, sigmoid_log_loss(y, x @ classifier.coef_[0] + classifier.intercept_[0]))
        return classifier

    def fit_boosting(x, y):
        from sklearn.ensemble import GradientBoostingClassifier

        def monitor(stage, fitted, _locals):  # called after each tree: the curve is live
            report(stage, fitted.train_score_[stage])
            return False

        classifier = GradientBoostingClassifier(n_estimators=epochs, learning_rate=learning_rate, max_depth=2,
                                                random_state=seed)
        return classifier.fit(x, y, monitor=monitor)

    def fit_network(x, y):
        from sklearn.neural_network import MLPClassifier

        classifier = MLPClassifier(hidden_layer_sizes=(16,), learning_rate_init=learning_rate, random_state=seed)
        for epoch in range(epochs):
            classifier.partial_fit(x, y, classes=[0.0, 1.0])
            report(epoch, classifier.loss_)
        return classifier

    def fit_xgboost(x, y):
        import xgboost

        class Report(xgboost.callback.TrainingCallback):
            def after_iteration(self, booster, epoch, evals_log):
                report(epoch, evals_log["train"]["logloss"][-1])
                return False

        matrix = xgboost.DMatrix(x, label=y)
        return xgboost.train({"objective": "binary:logistic", "eta": learning_rate, "max_depth": 3,
                              "eval_metric": "logloss", "seed": seed, "nthread": 1},
                             matrix, num_boost_round=epochs, evals=[(matrix, "train")], verbose_eval=False,
                             callbacks=[Report()])

    trainers = {"logistic_regression": fit_logistic, "gradient_boosting": fit_boosting, "neural_net": fit_network,
                "xgboost": fit_xgboost}
    if algorithm not in trainers:
        raise ValueError(f"unknown algorithm {algorithm!r}; choose one of {sorted(trainers)}")
    names, x_train, y_train = load(train.path)
    _, x_test, y_test = load(test.path)
    fitted = trainers[algorithm](x_train, y_train)
    os.makedirs(model.path, exist_ok=True)
    if algorithm == "xgboost":
        import xgboost

        scores = fitted.predict(xgboost.DMatrix(x_test))
        framework, version, model_file = "xgboost", xgboost.__version__, "model.bst"
        fitted.save_model(os.path.join(model.path, model_file))
        output = "probability of the positive class (Booster.predict)"
    else:
        scores = fitted.predict_proba(x_test)[:, 1]
        framework, version, model_file = "sklearn", sklearn.__version__, "model.joblib"
        joblib.dump(fitted, os.path.join(model.path, model_file))
        output = "predicted class, 0.0 or 1.0 (predict)"

    auc = float(roc_auc_score(y_test, scores))
    predicted = (scores >= 0.5).astype(float)
    accuracy = float(np.mean(predicted == y_test))
    order = np.argsort(-scores)
    positives, negatives = max(y_test.sum(), 1), max(len(y_test) - y_test.sum(), 1)
    tpr = np.concatenate([[0.0], np.cumsum(y_test[order]) / positives])
    fpr = np.concatenate([[0.0], np.cumsum(1 - y_test[order]) / negatives])
    picks = np.linspace(0, len(order), 21).astype(int)
    thresholds = [float(scores[order[min(i, len(order) - 1)]]) for i in picks]
    roc.log_roc_curve(fpr[picks].tolist(), tpr[picks].tolist(), thresholds)
    matrix = [[int(np.sum((y_test == a) & (predicted == b))) for b in (0, 1)] for a in (0, 1)]
    roc.log_confusion_matrix(["negative", "positive"], matrix)
    metrics.log_metric("accuracy", round(accuracy, 4))
    metrics.log_metric("roc_auc", round(auc, 4))
    if tensorboard is not None:
        tensorboard.add_scalar("test/roc_auc", auc, epochs)
        tensorboard.add_scalar("test/accuracy", accuracy, epochs)
        tensorboard.close()

    card = {"name": algorithm, "framework": framework, "framework_version": version, "model_file": model_file,
            "task": "binary classification", "output": output,
            "input_schema": {"features": [{"name": name, "type": "float"} for name in names]},
            "example_request": {"instances": [[round(float(v), 6) for v in row] for row in x_test[:2]]},
            "metrics": {"roc_auc": round(auc, 4), "accuracy": round(accuracy, 4)}}
    with open(os.path.join(model.path, "model_card.json"), "w") as handle:
        json.dump(card, handle, indent=2)
    model.metadata.update({"algorithm": algorithm, "framework": framework, "roc_auc": round(auc, 4),
                           "accuracy": round(accuracy, 4)})
    print(f"{algorithm}: accuracy {accuracy:.3f}, ROC AUC {auc:.3f}")
    return round(auc, 4)
