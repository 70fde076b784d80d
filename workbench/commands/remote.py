"""Remote runs: `submit`, `targets`, `cancel-remote`, `publish`.

`--target vertex|kfp` takes every setting from the flags; `--target NAME` starts from a saved
target and the flags override it. Secrets (KFP token or cookie) are read from the keyring or
`WORKBENCH_KFP_TOKEN`, never from a flag, so they stay out of shell history and process lists.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from typing import Any

from workbench.errors import RunError

WAIT_TICK_S = 0.25
CANCEL_WAIT_S = 60.0
# flag -> target field, for the flags every command that picks a target accepts
TARGET_FLAGS = {
    "--project": "project", "--region": "region", "--pipeline-root": "pipeline_root",
    "--service-account": "service_account", "--api-endpoint": "api_endpoint", "--host": "host",
    "--namespace": "namespace", "--experiment": "experiment",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    submit = subparsers.add_parser("submit", help="run a pipeline on Vertex AI or a Kubeflow Pipelines cluster",
                                   description="Submit a pipeline document (.wbp) or compiled KFP IR (.yaml).")
    submit.add_argument("pipeline", help="a .wbp document or a compiled KFP IR .yaml file")
    _target_flags(submit)
    submit.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="a pipeline parameter, typed by the pipeline's input definition (repeatable)")
    submit.add_argument("--wait", action="store_true",
                        help="follow the run, printing task states; exit 0 when it succeeded, 1 otherwise")
    submit.add_argument("--poll-interval", type=float, default=10.0, metavar="SECONDS",
                        help="seconds between state reads while waiting (default: 10)")
    submit.set_defaults(handler=_submit)

    targets = subparsers.add_parser("targets", help="saved remote targets (Vertex AI, Kubeflow Pipelines)")
    actions = targets.add_subparsers(dest="targets_command", metavar="ACTION")
    actions.required = True
    actions.add_parser("list", help="saved targets").set_defaults(handler=_targets_list)
    show = actions.add_parser("show", help="one target's settings")
    show.add_argument("name")
    show.set_defaults(handler=_targets_show)
    add = actions.add_parser("add", help="save a target (replaces one of the same name)")
    add.add_argument("name")
    add.add_argument("--kind", choices=("vertex", "kfp"), required=True)
    _setting_flags(add)
    add.add_argument("--network", help="Vertex: the VPC network to peer with")
    add.add_argument("--label", action="append", default=[], metavar="KEY=VALUE", help="Vertex: a job label")
    caching = add.add_mutually_exclusive_group()
    caching.add_argument("--cache", dest="enable_caching", action="store_const", const=True,
                         help="turn caching on for every task")
    caching.add_argument("--no-cache", dest="enable_caching", action="store_const", const=False,
                         help="turn caching off for every task")
    add.add_argument("--auth", choices=("none", "token", "cookie"), default="none",
                     help="KFP: how the cluster authenticates (the secret goes to the system keyring)")
    add.add_argument("--token-env", metavar="VAR",
                     help="KFP: read the token or cookie from this environment variable instead of a prompt")
    add.set_defaults(handler=_targets_add)
    remove = actions.add_parser("remove", help="forget a target and its secret")
    remove.add_argument("name")
    remove.set_defaults(handler=_targets_remove)

    cancel = subparsers.add_parser("cancel-remote", help="cancel a run submitted to a remote target")
    cancel.add_argument("run", help="run id or a unique prefix of it")
    cancel.set_defaults(handler=_cancel)

    publish = subparsers.add_parser(
        "publish", help="publish a pipeline as a template (Artifact Registry or a KFP cluster)",
        description="--target https://REGION-kfp.pkg.dev/PROJECT/REPO uploads to Artifact Registry; "
                    "--target kfp|NAME uploads to a Kubeflow Pipelines cluster as a pipeline (version).")
    publish.add_argument("pipeline", help="a .wbp document or a compiled KFP IR .yaml file")
    _target_flags(publish)
    publish.add_argument("--tag", action="append", default=[], help="Artifact Registry: a tag (repeatable)")
    publish.add_argument("--version", help="KFP cluster: the name of the new pipeline version")
    publish.set_defaults(handler=_publish)


def _setting_flags(parser: argparse.ArgumentParser) -> None:
    for flag, field_name in TARGET_FLAGS.items():
        parser.add_argument(flag, dest=field_name, metavar=field_name.upper())


def _target_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", required=True, metavar="vertex|kfp|NAME",
                        help="vertex or kfp (settings from the flags), or a saved target's name")
    _setting_flags(parser)


def _resolve_target(args: argparse.Namespace) -> Any:
    from workbench.settings import KfpTarget, VertexTarget, load_settings, override

    adhoc = {"vertex": VertexTarget, "kfp": KfpTarget}
    base = adhoc[args.target]() if args.target in adhoc else load_settings().target(args.target)
    return override(base, **{name: getattr(args, name) for name in TARGET_FLAGS.values()})


def _read_ir(path: str) -> tuple[str, dict[str, Any]]:
    import yaml

    from workbench.compiler import ir_text_for
    from workbench.share.trust import check_trusted

    check_trusted(path)
    ir_text = ir_text_for(path)
    spec = next(yaml.safe_load_all(ir_text), None)
    if not isinstance(spec, dict) or "root" not in spec:
        raise RunError("not a compiled KFP pipeline (no 'root' DAG)", path=path)
    return ir_text, spec


def _open_store() -> Any:
    from workbench.runs import paths
    from workbench.runs.store import RunStore

    return RunStore(paths.runs_db_path())


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _submit(args: argparse.Namespace) -> int:
    from workbench.runs.engine import new_run_id
    from workbench.runs.remote.client import client_for
    from workbench.runs.remote.tracking import record_submission

    ir_text, spec = _read_ir(args.pipeline)
    from workbench.commands.params import typed_params

    arguments = typed_params(spec["root"].get("inputDefinitions", {}).get("parameters", {}), args.param)
    target = _resolve_target(args)
    client = client_for(target)
    run_id = new_run_id()
    started = time.monotonic()
    _progress(f"submitting to {target.kind} target {target.name!r}...")
    submission = client.submit(ir_text, arguments, run_id)
    for note in submission.notes:
        _progress(f"note: {note}")
    store = _open_store()
    try:
        record_submission(store, run_id, spec.get("pipelineInfo", {}).get("name", "pipeline"), ir_text, arguments,
                          target, submission)
        print(f"submitted run {run_id} in {time.monotonic() - started:.1f}s: {submission.console_url}", flush=True)
        if not args.wait:
            return 0
        return _follow(store, client, submission.remote_id, run_id, args.poll_interval)
    finally:
        store.close()


def _follow(store: Any, client: Any, remote_id: str, run_id: str, interval: float) -> int:
    from workbench.runs.remote.follow import RemoteFollower

    follower = RemoteFollower(client, remote_id, run_id, [store.on_event, _print_event], interval=interval).start()
    try:
        while follower.wait(WAIT_TICK_S) is None:
            pass
    except KeyboardInterrupt:
        _progress("cancelling the remote run...")
        follower.cancel()
        follower.wait(CANCEL_WAIT_S)
        follower.stop()
    print(f"run {run_id} {follower.state}" + (f": {follower.message}" if follower.message else ""), flush=True)
    return 0 if follower.state == "succeeded" else 1


def _print_event(event: Any) -> None:
    from workbench.runs.events import ArtifactProduced, TaskStateChanged

    if isinstance(event, TaskStateChanged):
        message = f"  {event.message}" if event.message else ""
        print(f"{event.task_id:<48} {event.state}{message}", flush=True)
    elif isinstance(event, ArtifactProduced) and event.metadata:
        values = ", ".join(f"{key}={value}" for key, value in sorted(event.metadata.items()))
        print(f"{event.task_id:<48} {event.name}: {values}", flush=True)


def _cancel(args: argparse.Namespace) -> int:
    from workbench.runs.remote.client import client_for
    from workbench.runs.remote.tracking import refresh_run, remote_location

    store = _open_store()
    try:
        record = store.get_run(args.run)
        if record.state != "running":
            raise RunError(f"run {record.id} already ended ({record.state})")
        target, remote_id = remote_location(record)
        client_for(target).cancel(remote_id)
        state = refresh_run(store, record)
    finally:
        store.close()
    print(f"asked {target.kind} to cancel run {record.id} (now {state})")
    return 0


def _publish(args: argparse.Namespace) -> int:
    from workbench.runs.remote.publish import publish_to_cluster, publish_to_registry

    ir_text, _spec = _read_ir(args.pipeline)
    if args.target.startswith(("https://", "http://")):
        where = publish_to_registry(ir_text, args.target, args.tag)
    else:
        from workbench.runs.remote.client import client_for

        target = _resolve_target(args)
        if target.kind != "kfp":
            raise RunError("Vertex AI runs templates from Artifact Registry: publish with "
                           "--target https://REGION-kfp.pkg.dev/PROJECT/REPO", element="--target")
        where = publish_to_cluster(ir_text, client_for(target), args.version)
    print(f"published: {where}")
    return 0


def _targets_list(args: argparse.Namespace) -> int:
    from workbench.settings import load_settings

    targets = load_settings().targets
    if not targets:
        print("no saved targets; `workbench targets add NAME --kind vertex|kfp ...` saves one")
    for name in sorted(targets):
        target = targets[name]
        where = (f"{target.project}/{target.region}" if target.kind == "vertex" else target.host)
        print(f"{name:<24} {target.kind:<7} {where}")
    return 0


def _targets_show(args: argparse.Namespace) -> int:
    from workbench.settings import load_settings, target_to_dict

    for key, value in target_to_dict(load_settings().target(args.name)).items():
        print(f"{key + ':':<17}{value}")
    return 0


def _targets_add(args: argparse.Namespace) -> int:
    from workbench.runs.remote.secrets import save_secret
    from workbench.settings import SettingsError, load_settings, save_settings, target_from_dict

    values = {name: getattr(args, name) for name in TARGET_FLAGS.values()}
    if args.kind == "vertex":
        values.update(network=args.network, labels=_labels(args.label), enable_caching=args.enable_caching)
        values.pop("host"), values.pop("namespace")
    else:
        values.update(auth=args.auth, enable_caching=args.enable_caching)
        for vertex_only in ("project", "region", "api_endpoint"):
            values.pop(vertex_only)
    target = target_from_dict({"kind": args.kind, "name": args.name,
                               **{key: value for key, value in values.items() if value is not None}})
    problems = target.problems()
    if problems:
        raise SettingsError("; ".join(problems), element=f"target {args.name}")
    secret = _read_secret(args.auth, args.token_env) if args.kind == "kfp" and args.auth != "none" else None
    save_settings(load_settings().with_target(target))
    if secret is not None:
        try:
            save_secret(args.name, secret)
        except RunError as exc:
            raise RunError(f"target saved, but not its {args.auth}: {exc.message}", element=exc.element) from None
    print(f"saved target {args.name!r}" + (" (secret in the system keyring)" if target.kind == "kfp"
                                           and target.auth != "none" else ""))
    return 0


def _labels(pairs: list[str]) -> dict[str, str]:
    labels = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise RunError(f"expected KEY=VALUE, got {pair!r}", element="--label")
        labels[key] = value
    return labels


def _read_secret(kind: str, env_var: str | None) -> str:
    if env_var:
        secret = os.environ.get(env_var, "")
        if not secret:
            raise RunError(f"the environment variable {env_var} is not set or empty", element="--token-env")
        return secret
    if not sys.stdin.isatty():
        raise RunError(f"no terminal to ask for the {kind}: pass --token-env VAR", element="--auth")
    secret = getpass.getpass(f"{kind}: ")
    if not secret:
        raise RunError(f"an empty {kind} was given", element="--auth")
    return secret


def _targets_remove(args: argparse.Namespace) -> int:
    from workbench.runs.remote.secrets import delete_secret
    from workbench.settings import load_settings, save_settings

    settings = load_settings()
    target = settings.target(args.name)
    save_settings(settings.without_target(args.name))
    if target.kind == "kfp":
        delete_secret(args.name)
    print(f"removed target {args.name!r}")
    return 0
