from kfp.dsl import Markdown, Output


def write_report(report: Output[Markdown], model_name: str, score: float, threshold: float):
    """Explain why no model was deployed: the best score stayed below the threshold."""
    text = "\n".join([
        "# No model deployed", "",
        f"The best model, **{model_name}**, reached a held-out ROC AUC of **{score:.4f}**, "
        f"below the required **{threshold:.4f}** (short by {threshold - score:.4f}).", "",
        "## What to try", "- more or cleaner data", "- more epochs or another learning rate",
        "- a lower threshold, if the use case allows it", ""])
    with open(report.path, "w") as handle:
        handle.write(text)
    print(f"not deployed: {score:.4f} < {threshold:.4f}")
