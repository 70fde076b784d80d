"""`workbench image prepare IMAGE [--package P ...]` and `workbench image list`.

Prepares ahead of time the runtime image a lightweight Python component needs (kfp and its
packages preinstalled, see workbench/runs/images.py), e.g. while a network is still at hand.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    image = subparsers.add_parser("image", help="prepare and list runtime images for Docker runs")
    actions = image.add_subparsers(dest="image_command", metavar="ACTION")
    actions.required = True
    prepare = actions.add_parser("prepare", help="build the runtime image for a base image and packages")
    prepare.add_argument("image", help="base image with python3, e.g. python:3.11-slim")
    prepare.add_argument("--package", "-p", action="append", default=[], metavar="P",
                         help="a requirement to preinstall (repeatable); kfp is always included")
    prepare.set_defaults(handler=_prepare)
    actions.add_parser("list", help="runtime images built so far").set_defaults(handler=_list)


def _prepare(args: argparse.Namespace) -> int:
    from workbench.runs import images
    from workbench.runs.docker_backend import DockerBackend

    tag = images.prepare_runtime(DockerBackend().client, args.image, args.package, print)
    print(tag)
    return 0


def _list(args: argparse.Namespace) -> int:
    from workbench.runs import images
    from workbench.runs.docker_backend import DockerBackend

    rows = images.list_runtimes(DockerBackend().client)
    if not rows:
        print("no runtime images yet (`workbench image prepare IMAGE`)")
        return 0
    print(f"{'IMAGE':<40}  {'BASE':<28}  {'SIZE':>8}  PACKAGES")
    for row in rows:
        print(f"{row['tag']:<40}  {row['base']:<28}  {row['size_mb']:>6.0f}MB  {' '.join(row['packages'])}")
    return 0
