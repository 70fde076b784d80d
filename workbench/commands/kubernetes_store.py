"""`workbench secrets|configmaps set|list|delete`: the local Kubernetes secrets (system keyring)
and config maps (data dir) that Docker runs inject into tasks that use them."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    for command, kind in (("secrets", "secret"), ("configmaps", "config map")):
        parser = subparsers.add_parser(
            command, help=f"local Kubernetes {kind}s for Docker runs",
            description=f"Keep the {kind}s that tasks using kfp-kubernetes get locally "
                        f"({'values in the system keyring, never printed' if kind == 'secret' else 'in the data dir'}).")
        actions = parser.add_subparsers(dest="action", required=True)
        set_ = actions.add_parser("set", help=f"create or replace a {kind}")
        set_.add_argument("name", metavar="NAME")
        set_.add_argument("pairs", nargs="+", metavar="KEY=VALUE")
        set_.set_defaults(handler=_set, kind=kind)
        list_ = actions.add_parser("list", help=f"list {kind} names and keys (never secret values)")
        list_.set_defaults(handler=_list, kind=kind)
        delete = actions.add_parser("delete", help=f"delete a {kind}")
        delete.add_argument("name", metavar="NAME")
        delete.set_defaults(handler=_delete, kind=kind)


def _set(args: argparse.Namespace) -> int:
    from workbench.runs.local_k8s import store

    data = store.parse_pairs(args.kind, args.name, args.pairs)
    (store.set_secret if args.kind == "secret" else store.set_config_map)(args.name, data)
    print(f"{args.kind} {args.name!r} set with keys: {', '.join(sorted(data))}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from workbench.runs.local_k8s import store

    secret = args.kind == "secret"
    for name in store.secret_names() if secret else store.config_map_names():
        data = (store.get_secret if secret else store.get_config_map)(name)
        keys = ", ".join(sorted(data)) if data is not None else "(unreadable)"
        print(f"{name}\t{keys}")
    return 0


def _delete(args: argparse.Namespace) -> int:
    from workbench.errors import RunError
    from workbench.runs.local_k8s import store

    store.check_name(args.kind, args.name)
    deleted = (store.delete_secret if args.kind == "secret" else store.delete_config_map)(args.name)
    if not deleted:
        raise RunError(f"no {args.kind} {args.name!r}; `workbench {'secrets' if args.kind == 'secret' else 'configmaps'} "
                       "list` shows them", element=args.name)
    print(f"{args.kind} {args.name!r} deleted")
    return 0
