from kfp.dsl import Input, Markdown, Model, Output


def deploy_model(model: Input[Model], package: Output[Model], model_card: Output[Markdown],
                 model_name: str, score: float, threshold: float) -> str:
    """Package the chosen model folder with a model card, ready to hand to a serving system; returns the
    sha256 of the model file."""
    import datetime
    import hashlib
    import json
    import os
    import shutil

    shutil.copytree(model.path, package.path, dirs_exist_ok=True)
    model_file = next((name for name in ("model.joblib", "model.bst") if os.path.isfile(os.path.join(package.path, name))),
                      None)
    if model_file is None:
        raise ValueError(f"the model folder {model.path} holds neither model.joblib nor model.bst")
    with open(os.path.join(package.path, model_file), "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    card_path = os.path.join(package.path, "model_card.json")
    card = json.load(open(card_path)) if os.path.isfile(card_path) else {}
    card.update({"held_out_roc_auc": round(score, 4), "threshold": threshold, "sha256": digest})
    with open(card_path, "w") as handle:
        json.dump(card, handle, indent=2)
    text = "\n".join([
        f"# Model card: {model_name}", "",
        f"- Held-out ROC AUC: **{score:.4f}** (threshold {threshold:.2f})",
        f"- Framework: {card.get('framework', '?')} {card.get('framework_version', '')}",
        f"- Packaged: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- sha256 of {model_file}: `{digest}`", "",
        "## Intended use", "Binary classification of the tabular data set this pipeline generates.", "",
        "## Example request", "```json", json.dumps(card.get("example_request", {}), indent=2), "```", "",
        "## Training details", "```json", json.dumps(dict(model.metadata), indent=2), "```", ""])
    with open(os.path.join(package.path, "MODEL_CARD.md"), "w") as handle:
        handle.write(text)
    with open(model_card.path, "w") as handle:
        handle.write(text)
    package.metadata.update({**dict(model.metadata), "sha256": digest, "model": model_name})
    print(f"packaged {model_name} (sha256 {digest[:12]})")
    return digest
