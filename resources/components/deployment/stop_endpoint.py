from kfp.dsl import Artifact, Output


def stop_endpoint(request: Output[Artifact], endpoint_name: str = "") -> str:
    """Stop the local endpoint this run started (the pipeline's name when no name is given), once this
    step succeeds: as an exit handler, the endpoint lives only while the run does. Only an endpoint of
    the same run is stopped; elsewhere (Vertex AI, KFP) the step does nothing. Returns the name asked for."""
    request.metadata["workbench.stop_endpoint"] = {"name": endpoint_name}
    print(f"asked to stop endpoint {endpoint_name or '(named after the pipeline)'}")
    return endpoint_name
