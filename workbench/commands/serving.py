"""`workbench serve`, `workbench endpoints list|show|logs|stop|sample` and `workbench deploy`.

`serve RUN_ID|MODEL_DIR` starts a local endpoint (Docker, or a local process) speaking the Vertex
AI prediction contract and prints its URL once healthy; `deploy` sends the same model to Vertex AI
or writes a KServe InferenceService for it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser(
        "serve", help="serve a trained model on a local endpoint (Vertex AI prediction contract)",
        description="Serve the model of a run (its last model output, or --task's) or a model folder "
                    "(model.joblib / model.bst, optional model_card.json) on 127.0.0.1.")
    serve.add_argument("source", metavar="RUN_ID|MODEL_DIR", help="a run id (or unique prefix) or a model folder")
    serve.add_argument("--name", help="endpoint name (default: from the pipeline or folder name)")
    serve.add_argument("--port", type=int, help="host port on 127.0.0.1 (default: a free one)")
    serve.add_argument("--task", help="with a run: serve the model of this task")
    serve.add_argument("--backend", choices=("docker", "subprocess"),
                       help="where the server runs (default: Docker when an engine answers, else a local process)")
    serve.add_argument("--image", default=None, help="base image of the serving image (default: python:3.11-slim)")
    serve.set_defaults(handler=_serve)

    endpoints = subparsers.add_parser("endpoints", help="list, inspect and stop local endpoints")
    actions = endpoints.add_subparsers(dest="endpoints_command", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", help="the endpoints of this workbench")
    listing.add_argument("--json", action="store_true", help="one JSON array")
    listing.set_defaults(handler=_list)
    for action, text, handler in (("show", "one endpoint, with its health", _show),
                                  ("logs", "the server's output", _logs),
                                  ("stop", "stop and remove an endpoint", _stop),
                                  ("sample", "print a valid request body from the model card", _sample)):
        parser = actions.add_parser(action, help=text)
        parser.add_argument("name")
        parser.set_defaults(handler=handler)

    deploy = subparsers.add_parser(
        "deploy", help="deploy a trained model to Vertex AI, or write a KServe InferenceService",
        description="vertex: upload the model folder to --artifact-uri (GCS), register it with the matching "
                    "prebuilt prediction container and deploy it to a new endpoint. kserve: write an "
                    "InferenceService that serves the model from --artifact-uri.")
    deploy.add_argument("source", metavar="RUN_ID|MODEL_DIR")
    deploy.add_argument("--target", required=True, choices=("vertex", "kserve"))
    deploy.add_argument("--task", help="with a run: deploy the model of this task")
    deploy.add_argument("--name", help="model / endpoint / InferenceService name (default: from the source)")
    deploy.add_argument("--artifact-uri", required=True, metavar="URI",
                        help="vertex: the gs:// folder to upload the model to; kserve: the storageUri it is in")
    deploy.add_argument("--project", help="vertex: Google Cloud project")
    deploy.add_argument("--region", help="vertex: region, e.g. europe-west4")
    deploy.add_argument("--api-endpoint", help="vertex: API endpoint (default: REGION-aiplatform.googleapis.com)")
    deploy.add_argument("--machine-type", default="n1-standard-2", help="vertex: machine type of the replicas")
    deploy.add_argument("--namespace", help="kserve: namespace of the InferenceService")
    deploy.add_argument("-o", "--output", type=Path, help="kserve: write the YAML here (default: stdout)")
    deploy.set_defaults(handler=_deploy)


def _model(source: str, task: str | None):
    """The model folder named on the command line: a folder, else a run id."""
    from workbench.runs import paths
    from workbench.serving.model_folder import inspect_folder, model_from_run

    path = Path(source)
    if path.exists() or "/" in source or source.startswith("."):
        if task:
            print("note: --task applies to runs; serving the folder as given", file=sys.stderr)
        return inspect_folder(path)
    from workbench.runs.store import RunStore

    store = RunStore(paths.runs_db_path())
    try:
        return model_from_run(store, source, paths.workspace_root(), task)
    finally:
        store.close()


def _default_name(model) -> str:
    from workbench.serving.manager import default_endpoint_name

    return default_endpoint_name(model)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _serve(args: argparse.Namespace) -> int:
    from workbench.serving.docker_endpoints import DEFAULT_BASE_IMAGE
    from workbench.serving.manager import EndpointManager

    model = _model(args.source, args.task)
    name = args.name or _default_name(model)
    started = time.monotonic()
    endpoint = EndpointManager(progress=_progress).start(model, name, port=args.port, backend=args.backend,
                                                         base_image=args.image or DEFAULT_BASE_IMAGE)
    _progress(f"endpoint {endpoint.name} ({endpoint.backend}) serves {model.framework} model {model.model_file} "
              f"from {model.source}; healthy after {time.monotonic() - started:.1f} s")
    _progress(f"try it: workbench endpoints sample {endpoint.name} | curl -s -H 'Content-Type: application/json' "
              f"-d @- {endpoint.predict_url}")
    print(endpoint.predict_url)
    return 0


def _list(args: argparse.Namespace) -> int:
    from workbench.serving.manager import EndpointManager

    found = EndpointManager().list()
    if args.json:
        print(json.dumps([endpoint.to_json() for endpoint in found], indent=2))
        return 0
    if not found:
        print("no endpoints (`workbench serve RUN_ID|MODEL_DIR` starts one)")
        return 0
    print(f"{'NAME':<28}  {'BACKEND':<8}  {'STATE':<8}  {'FRAMEWORK':<9}  {'URL':<24}  SOURCE")
    for endpoint in found:
        print(f"{endpoint.name:<28}  {endpoint.backend:<8}  {endpoint.state:<8}  {endpoint.framework:<9}  "
              f"{endpoint.url:<24}  {endpoint.source}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from workbench.serving.endpoints import is_healthy
    from workbench.serving.manager import EndpointManager

    endpoint = EndpointManager().get(args.name)
    healthy = endpoint.state == "running" and bool(endpoint.url) and is_healthy(endpoint.url)
    print(json.dumps({**endpoint.to_json(), "healthy": healthy}, indent=2))
    return 0


def _logs(args: argparse.Namespace) -> int:
    from workbench.serving.manager import EndpointManager

    sys.stdout.write(EndpointManager().logs(args.name))
    return 0


def _stop(args: argparse.Namespace) -> int:
    from workbench.serving.manager import EndpointManager

    endpoint = EndpointManager().stop(args.name)
    print(f"stopped endpoint {endpoint.name}")
    return 0


def _sample(args: argparse.Namespace) -> int:
    from workbench.serving.manager import EndpointManager

    print(json.dumps(EndpointManager().sample(args.name)))
    return 0


def _deploy(args: argparse.Namespace) -> int:
    model = _model(args.source, args.task)
    name = args.name or _default_name(model)
    if args.target == "kserve":
        from workbench.serving.kserve import inference_service_yaml

        text = inference_service_yaml(model, name, args.artifact_uri, namespace=args.namespace)
        if args.output is None:
            sys.stdout.write(text)
        else:
            try:
                args.output.write_text(text, encoding="utf-8")
            except OSError as exc:
                from workbench.errors import RunError

                raise RunError(f"cannot write the InferenceService ({exc.strerror or exc})", path=str(args.output)) \
                    from None
            _progress(f"wrote {args.output}: InferenceService {name} ({model.framework}) from {args.artifact_uri}; "
                      f"copy {model.model_file} there, then `kubectl apply -f {args.output}`")
        return 0
    from workbench.serving.vertex_deploy import VertexDeployment

    deployment = VertexDeployment(project=args.project, region=args.region, api_endpoint=args.api_endpoint)
    result = deployment.deploy(model, name, args.artifact_uri, machine_type=args.machine_type, progress=_progress)
    _progress(f"model {result.model} ({result.container_image}) deployed to endpoint {result.endpoint}")
    print(result.endpoint)
    return 0
