from kfp.dsl import Input, Markdown, Model, Output


def deploy_model(model: Input[Model], package: Output[Model], model_card: Output[Markdown],
                 model_name: str, score: float, threshold: float) -> str:
    """Package the chosen model with a model card, ready to hand to a serving system."""
    import datetime
    import hashlib
    import json
    import os
    import shutil

    os.makedirs(package.path, exist_ok=True)
    shutil.copyfile(model.path, os.path.join(package.path, "model.json"))
    with open(model.path, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    card = "\n".join([
        f"# Model card: {model_name}", "",
        f"- Held-out ROC AUC: **{score:.4f}** (threshold {threshold:.2f})",
        f"- Packaged: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- sha256 of model.json: `{digest}`", "",
        "## Intended use", "Binary classification of the tabular data set this pipeline generates.", "",
        "## Training details", "```json", json.dumps(dict(model.metadata), indent=2), "```", ""])
    with open(os.path.join(package.path, "MODEL_CARD.md"), "w") as handle:
        handle.write(card)
    with open(model_card.path, "w") as handle:
        handle.write(card)
    package.metadata.update({"sha256": digest, "model": model_name})
    print(f"deployed {model_name} (sha256 {digest[:12]})")
    return digest
