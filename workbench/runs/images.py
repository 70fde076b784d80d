"""Runtime images for KFP lightweight Python components, prepared once so tasks start offline.

A lightweight component's command begins with a prologue that runs `pip install kfp==X` (and its
`packages_to_install`) at every container start: seconds per task, and a failure without network.
We build, once per (base image, package set), a derived image with those packages already
installed from wheels downloaded on the host for the image's own Python and platform, so that the
prologue finds every requirement satisfied and never touches the network. The derived image is
made with `docker create` + `put_archive` + `commit` (one layer, no wheels left behind) and tagged
deterministically, so it is reused across runs and processes.
"""

from __future__ import annotations

import hashlib
import io
import json
import shlex
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable

from workbench.errors import RunError
from workbench.runs import paths

RUNTIME_REPOSITORY = "workbench-runtime"
RECIPE_VERSION = "1"  # bump when the build recipe changes, so old tags are not reused
LABEL_BASE = "workbench.runtime.base"
LABEL_PACKAGES = "workbench.runtime.packages"
IMAGE_ENV = ("PIP_BREAK_SYSTEM_PACKAGES=1", "PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_ROOT_USER_ACTION=ignore")
WHEELS_IN_IMAGE = "/tmp/workbench-wheels"
BUILD_TIMEOUT_S = 900
PIP_TIMEOUT_S = 900

Progress = Callable[[str], None]

_PROBE = r"""
import importlib.util, json, platform, sys
libc, libc_version = platform.libc_ver()
print(json.dumps({"version": "%d.%d" % sys.version_info[:2], "implementation": sys.implementation.name,
                  "machine": platform.machine(), "libc": libc, "libc_version": libc_version,
                  "pip": importlib.util.find_spec("pip") is not None}))
"""


@dataclass(frozen=True)
class PythonRuntime:
    """The interpreter inside a base image, as pip needs it to pick wheels for it."""

    version: str
    machine: str
    libc: str
    libc_version: str
    has_pip: bool

    @property
    def abi(self) -> str:
        return "cp" + self.version.replace(".", "")

    def platforms(self) -> list[str]:
        """Every platform tag the image accepts, newest first (pip matches them literally)."""
        arch = self.machine
        major, _, minor = self.libc_version.partition(".")
        if self.libc == "glibc" and major == "2" and minor.isdigit():
            tags = [f"manylinux_2_{m}_{arch}" for m in range(int(minor), 4, -1)]
            legacy = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
            tags += [f"{name}_{arch}" for m, name in legacy.items() if m <= int(minor)]
        else:  # musl (platform.libc_ver() reports nothing there): the musllinux 1.x tags
            tags = [f"musllinux_1_{m}_{arch}" for m in range(2, -1, -1)]
        return tags + [f"linux_{arch}"]


_OPTIONS_WITH_VALUE = {"--index-url", "-i", "--extra-index-url", "--trusted-host", "--find-links", "-f",
                       "--constraint", "-c", "--requirement", "-r"}


def requirements(package_set: Iterable[str]) -> tuple[str, ...]:
    """The requirements in a package set (one shell-quoted `pip install` argument list per entry,
    as `TaskLaunch.packages` holds them), without pip's options."""
    found: list[str] = []
    for entry in package_set:
        skip_next = False
        for word in shlex.split(entry):
            if skip_next:
                skip_next = False
            elif word in _OPTIONS_WITH_VALUE:
                skip_next = True
            elif not word.startswith("-"):
                found.append(word)
    return tuple(dict.fromkeys(found))


def host_kfp_version() -> str:
    return metadata.version("kfp")


def runtime_packages(packages: Iterable[str]) -> tuple[str, ...]:
    """The normal form of a package set: sorted, unique, with a kfp pin (the host's) if none."""
    result = set(packages)
    if not any(_is_kfp(p) for p in result):
        result.add(f"kfp=={host_kfp_version()}")
    return tuple(sorted(result))


def runtime_tag(base_image_id: str, packages: tuple[str, ...]) -> str:
    """A tag fixed by what the image contains, so every process finds the same cached image."""
    text = "\n".join([RECIPE_VERSION, base_image_id, *runtime_packages(packages)])
    return f"{RUNTIME_REPOSITORY}:{hashlib.sha256(text.encode()).hexdigest()[:20]}"


def _is_kfp(requirement: str) -> bool:
    return requirement.replace(" ", "").lower().startswith("kfp==")


def ensure_image(client: Any, image: str, progress: Progress) -> Any:
    """The local image, pulled when missing; a RunError naming it when it cannot be pulled."""
    import docker

    try:
        return client.images.get(image)
    except docker.errors.ImageNotFound:
        pass
    progress(f"pulling {image} ...")
    try:
        return client.images.pull(image)
    except docker.errors.APIError as exc:
        reason = getattr(exc, "explanation", None) or str(exc)
        raise RunError(
            f"image {image} is not available locally and `docker pull {image}` failed ({reason}). "
            f"Build it locally (`docker build -t {image} DIR`) or load it (`docker load -i FILE.tar`), "
            f"run its tasks in an image you have (`WORKBENCH_IMAGE_MAP={image}=OTHER_IMAGE`), "
            "or run with `--backend subprocess`.") from exc


def prepare_runtime(client: Any, image: str, packages: Iterable[str], progress: Progress) -> str:
    """The tag of the derived image for (image, packages), built now unless it already exists."""
    import docker

    base = ensure_image(client, image, progress)
    wanted = runtime_packages(packages)
    tag = runtime_tag(base.id, wanted)
    try:
        client.images.get(tag)
        return tag
    except docker.errors.ImageNotFound:
        pass
    progress(f"preparing runtime image for {image} with {', '.join(wanted)} ...")
    runtime = probe(client, base.id)
    wheels = paths.images_cache_dir() / "wheels" / tag.split(":")[1]
    download_wheels(runtime, wanted, wheels, progress)
    progress(f"installing into {tag} ...")
    _commit_runtime(client, base, image, runtime, wanted, wheels, tag)
    progress(f"runtime image {tag} ready")
    return tag


def probe(client: Any, image_id: str) -> PythonRuntime:
    """Run the base image once to learn its Python version, platform and whether pip is there."""
    output = _run_once(client, image_id, ["python3", "-c", _PROBE], user="0")
    try:
        info = json.loads(output.strip().splitlines()[-1])
    except (ValueError, IndexError) as exc:
        raise RunError(f"could not read the Python version of image {image_id}: {output.strip()!r}") from exc
    if info["implementation"] != "cpython":
        raise RunError(f"image {image_id} runs {info['implementation']}; only CPython images are supported")
    return PythonRuntime(version=info["version"], machine=info["machine"], libc=info["libc"],
                         libc_version=info["libc_version"], has_pip=info["pip"])


def download_wheels(runtime: PythonRuntime, packages: tuple[str, ...], dest: Path, progress: Progress) -> None:
    """`pip download` on the host, for the image's interpreter: kfp without deps (as KFP does)."""
    dest.mkdir(parents=True, exist_ok=True)
    target = ["--python-version", runtime.version, "--implementation", "cp", "--abi", runtime.abi]
    for platform in runtime.platforms():
        target += ["--platform", platform]
    kfp = [p for p in packages if _is_kfp(p)]
    others = [p for p in packages if not _is_kfp(p)] + ([] if runtime.has_pip else ["pip"])
    progress(f"downloading wheels for Python {runtime.version} ({runtime.platforms()[0]}) ...")
    _pip_download(["--no-deps", *target, *kfp], dest)
    if others:
        _pip_download(["--only-binary=:all:", *target, *others], dest)


def _pip_download(args: list[str], dest: Path) -> None:
    command = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--progress-bar", "off",
               "--dest", str(dest), *args]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise RunError(f"`pip download` did not finish within {PIP_TIMEOUT_S} s") from exc
    if result.returncode != 0:
        tail = " ".join(result.stderr.strip().splitlines()[-3:])
        raise RunError(f"`pip download` on the host failed for {' '.join(a for a in args if not a.startswith('-'))}:"
                       f" {tail}. Check the package names, and that each has a wheel for the image's Python.")


def _install_script(runtime: PythonRuntime, packages: tuple[str, ...]) -> str:
    """Offline install inside the build container; leaves a `pip` command for the KFP prologue."""
    kfp = " ".join(shlex.quote(p) for p in packages if _is_kfp(p))
    others = " ".join(shlex.quote(p) for p in packages if not _is_kfp(p))
    lines = [
        "set -e",
        f"export {' '.join(IMAGE_ENV)} PIP_NO_INDEX=1 PIP_FIND_LINKS={WHEELS_IN_IMAGE}",
        "" if runtime.has_pip else f'set -- {WHEELS_IN_IMAGE}/pip-*.whl; python3 "$1/pip" install --quiet pip',
        f"python3 -m pip install --quiet --no-deps {kfp}",
        f"python3 -m pip install --quiet {others}" if others else "",
        "command -v pip >/dev/null || { printf '#!/bin/sh\\nexec python3 -m pip \"$@\"\\n' > /usr/local/bin/pip;"
        " chmod 755 /usr/local/bin/pip; }",
        f"rm -rf {WHEELS_IN_IMAGE}",
    ]
    return "\n".join(line for line in lines if line)


def _commit_runtime(client: Any, base: Any, image: str, runtime: PythonRuntime, packages: tuple[str, ...],
                    wheels: Path, tag: str) -> None:
    config = base.attrs.get("Config") or {}
    script = ["/bin/sh", "-c", _install_script(runtime, packages)]
    # An entrypoint cannot be cleared by a commit change, so override it only when the base has one.
    entrypoint, command = (script[:2], script[2:]) if config.get("Entrypoint") else (None, script)
    container = client.containers.create(base.id, entrypoint=entrypoint, command=command,
                                         user="0", network_disabled=True)
    try:
        container.put_archive("/tmp", _tar_dir(wheels, WHEELS_IN_IMAGE.rsplit("/", 1)[1]))
        container.start()
        status = container.wait(timeout=BUILD_TIMEOUT_S)
        if status.get("StatusCode") != 0:
            log = container.logs().decode(errors="replace").strip()
            raise RunError(f"installing {', '.join(packages)} into {image} failed: {log[-800:]}", element=image)
        changes = ([f"ENTRYPOINT {json.dumps(config['Entrypoint'])}"] if entrypoint else []) + [
                   f"CMD {json.dumps(config.get('Cmd') or [])}",
                   f"USER {config.get('User') or 'root'}"]
        conf = {"Env": list(config.get("Env") or []) + list(IMAGE_ENV),
                "Labels": {**(config.get("Labels") or {}), LABEL_BASE: image,
                           LABEL_PACKAGES: json.dumps(list(packages))}}
        repository, _, version = tag.partition(":")
        container.commit(repository=repository, tag=version, changes=changes, conf=conf)
    finally:
        container.remove(force=True)


def _tar_dir(directory: Path, name: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        tar.add(directory, arcname=name)
    return buffer.getvalue()


def _run_once(client: Any, image: str, argv: list[str], user: str) -> str:
    """Run a short command without network; its output, or a RunError with the output."""
    container = client.containers.create(image, entrypoint=argv, user=user, network_disabled=True)
    try:
        container.start()
        status = container.wait(timeout=120)
        output = container.logs().decode(errors="replace")
        if status.get("StatusCode") != 0:
            raise RunError(f"image {image} cannot run python3 (`{' '.join(argv[:2])}` exited "
                           f"{status.get('StatusCode')}): {output.strip()[-400:]}")
        return output
    finally:
        container.remove(force=True)


def list_runtimes(client: Any) -> list[dict[str, Any]]:
    """Derived images on this engine: tag, base image, packages, size and creation time."""
    rows = []
    for image in client.images.list(name=RUNTIME_REPOSITORY):
        labels = image.labels or {}
        rows.append({"tag": next(iter(image.tags), image.short_id), "base": labels.get(LABEL_BASE, "?"),
                     "packages": json.loads(labels.get(LABEL_PACKAGES, "[]")),
                     "size_mb": image.attrs.get("Size", 0) / 1e6, "created": image.attrs.get("Created", "")})
    return sorted(rows, key=lambda row: row["created"], reverse=True)
