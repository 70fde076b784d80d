from kfp.dsl import Artifact, Input, Model, Output


def serve_model(model: Input[Model], endpoint: Output[Artifact], endpoint_name: str = "", port: int = 0) -> str:
    """Serve the model on this machine once this step succeeds: a local endpoint that speaks the Vertex AI
    prediction contract, its URL in this step's `endpoint` artifact. Run by Workbench, the engine starts
    the endpoint (the pipeline's name when no name is given; `workbench endpoints stop NAME` ends it);
    elsewhere the step only checks the model folder. Returns the endpoint name asked for."""
    import json
    import os

    model_file = next((name for name in ("model.joblib", "model.bst") if os.path.isfile(os.path.join(model.path, name))),
                      None)
    if model_file is None:
        raise ValueError(f"the model folder {model.path} holds neither model.joblib nor model.bst")
    card_path = os.path.join(model.path, "model_card.json")
    card = json.load(open(card_path)) if os.path.isfile(card_path) else {}
    endpoint.metadata["workbench.serve"] = {"input": "model", "name": endpoint_name, "port": int(port)}
    endpoint.metadata.update({"framework": card.get("framework", ""), "model_file": model_file})
    with open(endpoint.path, "w") as handle:
        json.dump({"model": model.uri, "example_request": card.get("example_request", {})}, handle, indent=2)
    print(f"asked to serve {model_file} ({card.get('framework', 'unknown framework')})")
    return endpoint_name
