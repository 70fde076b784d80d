"""Runs each task in its own Docker container, seeing only what the engine mounts for it.

Mounts (all at their host paths): the task's own folder and the pipeline's shared workspace
read-write, each input artifact of the run read-only; nothing else of the host, so a task cannot
write into another task's folder or leave a link the engine would meet outside its own folder.

Containers run unprivileged on the default bridge network, with the task's CPU and memory limits,
as the host user (so outputs are not root-owned), labelled with run and task ids so that a run
interrupted by a crash can be found and removed. Lightweight Python components run in a derived
runtime image (see images.py) with their packages preinstalled; their pip prologue, which would
only find every requirement satisfied, is skipped: it costs ~0.7 s of pip start-up per task.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any, Callable, Iterator

from workbench.errors import RunError
from workbench.runs import images
from workbench.runs.backend import LineSink, LineSplitter, Mount, PodVolume, TaskLaunch, TaskOutcome
from workbench.runs.engine.lightweight import without_prologue

RUN_LABEL = "workbench.run-id"
TASK_LABEL = "workbench.task-id"
NOTE_STREAM = "workbench"  # lines written by the backend itself, not by the task
NOT_REACHABLE = ("Docker engine not reachable: start Docker (e.g. `sudo systemctl start docker`) "
                 "or use --backend subprocess")
STOP_GRACE_S = 1
API_TIMEOUT_S = 60
POLL_S = 0.05


def _connect() -> Any:
    import docker

    try:
        client = docker.from_env(timeout=API_TIMEOUT_S)
        client.ping()
        return client
    except docker.errors.DockerException as exc:
        raise RunError(f"{NOT_REACHABLE} ({exc})") from exc


def host_user() -> str | None:
    """`uid:gid` of the host user, or None as root (or where there are no uids, e.g. Windows)."""
    if not hasattr(os, "getuid") or os.getuid() == 0:
        return None
    return f"{os.getuid()}:{os.getgid()}"


class DockerBackend:
    """A TaskBackend on the local Docker engine; safe to use from many threads at once."""

    name = "docker"

    def __init__(self, client: Any = None, user: str | None = None):
        self._client = client
        self._user = user if user is not None else host_user()
        self._lock = threading.Lock()
        self._runtimes: dict[tuple[str, tuple[str, ...]], str] = {}
        self._runtime_locks: dict[tuple[str, tuple[str, ...]], threading.Lock] = {}
        self._has_gpus: bool | None = None

    @property
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = _connect()
            return self._client

    def check(self) -> None:
        import docker

        try:
            self.client.ping()
        except docker.errors.DockerException as exc:
            raise RunError(f"{NOT_REACHABLE} ({exc})") from exc

    def prepare(self, images_and_packages: set[tuple[str, tuple[str, ...]]],
                progress: Callable[[str], None]) -> None:
        """Pull missing images; build the runtime image of each lightweight component's package set."""
        for image, package_set in sorted(images_and_packages):
            self._image(image, package_set, progress)

    def _image(self, image: str, package_set: tuple[str, ...], progress: Callable[[str], None]) -> str:
        """The image a task runs in: the image itself, or for a lightweight Python component (a
        non-empty package set) the derived image with its packages preinstalled."""
        if not package_set:
            images.ensure_image(self.client, image, progress)
            return image
        key = (image, images.runtime_packages(images.requirements(package_set)))
        with self._lock:
            key_lock = self._runtime_locks.setdefault(key, threading.Lock())
        with key_lock:  # one build per key, even when many tasks start at once
            if key not in self._runtimes:
                self._runtimes[key] = images.prepare_runtime(self.client, image, key[1], progress)
            return self._runtimes[key]

    def gpu_count(self) -> int:
        """GPUs the engine reports, for admission (0 when it cannot be asked)."""
        import docker

        from workbench.runs.engine.machine import docker_gpus

        try:
            return docker_gpus(self.client.info())
        except (docker.errors.DockerException, RunError):
            return 0

    def _device_requests(self, launch: TaskLaunch, on_line: LineSink) -> list[Any]:
        import docker

        if launch.accelerator_count <= 0:
            return []
        if self._has_gpus is None:
            self._has_gpus = "nvidia" in (self.client.info().get("Runtimes") or {})
        if not self._has_gpus:
            on_line(f"note: the task asks for {launch.accelerator_count} {launch.accelerator_type or 'accelerator'}"
                    " but this Docker engine has no GPU runtime; running without", NOTE_STREAM)
            return []
        return [docker.types.DeviceRequest(count=launch.accelerator_count, capabilities=[["gpu"]])]

    def _create(self, launch: TaskLaunch, image: str, on_line: LineSink) -> Any:
        import docker

        # Bind mounts of existing paths only: a missing source is an error, never created as root.
        mounts = [docker.types.Mount(target=os.path.abspath(mount.path), source=os.path.abspath(mount.path),
                                     type="bind", read_only=not mount.writable)
                  for mount in launch.mounts or (Mount(launch.workspace, writable=True),)]
        mounts += [_pod_mount(volume) for volume in launch.volumes]
        env = dict(launch.env)
        user = launch.user or self._user
        if user:
            env.setdefault("HOME", "/tmp")  # the host uid has no home inside the image
        return self.client.containers.create(
            image,
            entrypoint=without_prologue(launch.argv) if launch.packages else list(launch.argv),
            environment=env,
            mounts=mounts,
            labels={**launch.labels, RUN_LABEL: launch.run_id, TASK_LABEL: launch.task_id},
            user=user,
            nano_cpus=int(launch.cpu_limit * 1e9) if launch.cpu_limit else None,
            mem_limit=launch.memory_limit or None,
            memswap_limit=launch.memory_limit or None,
            device_requests=self._device_requests(launch, on_line) or None,
            privileged=False,
            network_mode="bridge",
        )

    def run_task(self, launch: TaskLaunch, on_line: LineSink, cancel: threading.Event) -> TaskOutcome:
        import docker

        try:
            image = self._image(launch.image, launch.packages, lambda message: on_line(message, NOTE_STREAM))
            container = self._create(launch, image, on_line)
        except (RunError, docker.errors.APIError) as exc:
            return TaskOutcome(exit_code=125, message=str(exc))
        try:
            # Attached before the start, to the live streams only. The daemon subscribes to the
            # streams before it answers, so every line arrives once; `logs=True` would also replay
            # the log file, and lines written while that replay runs came twice (seen with two
            # runs at once).
            stream = self.client.api.attach(container.id, stdout=True, stderr=True, stream=True,
                                            logs=False, demux=True)
            container.start()
            reader = threading.Thread(target=_pump, args=(stream, on_line), daemon=True,
                                      name=f"logs-{launch.task_id}")
            reader.start()
            deadline = time.monotonic() + launch.deadline_s if launch.deadline_s else None
            while reader.is_alive():
                if cancel.is_set():
                    _stop(container)
                    return TaskOutcome(exit_code=137, message="cancelled", cancelled=True)
                if deadline is not None and time.monotonic() > deadline:
                    _stop(container)
                    return TaskOutcome(exit_code=137, message=f"timed out: stopped after its "
                                       f"activeDeadlineSeconds of {launch.deadline_s:g} s")
                reader.join(POLL_S)
            return _outcome(container, launch)
        finally:
            _remove(container)

    def cleanup_run(self, run_id: str) -> int:
        return _remove_labelled(self.client, run_id)

    # -- PVCs as named volumes (kept after the run, like a PVC, until a DeletePVC task) -----------
    def create_volume(self, name: str, run_id: str, image: str) -> None:
        """A new volume's root is root-owned 0755, which a task running as the host user (or as
        its `runAsUser`) could not write: it is made 1777, like /tmp, through a container of
        `image` that is created for the copy and never started (no program of the image runs)."""
        import docker

        self.client.volumes.create(name=name, labels={RUN_LABEL: run_id})
        container = self.client.containers.create(
            image, entrypoint=["true"], labels={RUN_LABEL: run_id},
            mounts=[docker.types.Mount(target="/volume", source=name, type="volume")])
        try:
            container.put_archive("/", _open_folder_archive("volume"))
        finally:
            _remove(container)

    def volume_exists(self, name: str) -> bool:
        import docker

        try:
            self.client.volumes.get(name)
            return True
        except docker.errors.NotFound:
            return False

    def remove_volume(self, name: str) -> bool:
        """False when there is no such volume."""
        import docker

        try:
            self.client.volumes.get(name).remove(force=True)
            return True
        except docker.errors.NotFound:
            return False


def _open_folder_archive(name: str) -> bytes:
    """A tar holding only the folder `name`, mode 1777."""
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.type, info.mode = tarfile.DIRTYPE, 0o1777
        tar.addfile(info)
    return buffer.getvalue()


def _pod_mount(volume: PodVolume) -> Any:
    import docker

    if volume.kind == "tmpfs":
        return docker.types.Mount(target=volume.target, source=None, type="tmpfs",
                                  tmpfs_size=volume.size_bytes, tmpfs_mode=0o1777)
    return docker.types.Mount(target=volume.target, source=volume.source, type=volume.kind,
                              read_only=volume.read_only)


def _pump(stream: Iterator[tuple[bytes | None, bytes | None]], on_line: LineSink) -> None:
    """Split the demultiplexed output into lines per stream and pass each on as it arrives."""
    splitters = (LineSplitter("stdout", on_line), LineSplitter("stderr", on_line))
    for chunks in stream:
        for splitter, chunk in zip(splitters, chunks):
            if chunk:
                splitter.feed(chunk)
    for splitter in splitters:
        splitter.close()


def _outcome(container: Any, launch: TaskLaunch) -> TaskOutcome:
    status = container.wait(timeout=API_TIMEOUT_S)
    container.reload()
    state = container.attrs.get("State", {})
    exit_code = int(status.get("StatusCode", state.get("ExitCode", -1)))
    if state.get("OOMKilled"):
        limit = f" of {launch.memory_limit / 2**20:.0f} MiB" if launch.memory_limit else ""
        return TaskOutcome(exit_code=exit_code, oom_killed=True,
                           message=f"out of memory: the container was killed after exceeding its memory limit"
                                   f"{limit}; raise the task's memory limit or use less memory")
    return TaskOutcome(exit_code=exit_code, message="" if exit_code == 0 else f"exited with code {exit_code}")


def _stop(container: Any) -> None:
    """SIGTERM, SIGKILL after a second: within the 2 s a cancel promises."""
    import docker

    try:
        container.stop(timeout=STOP_GRACE_S)
    except docker.errors.APIError:
        try:
            container.kill()
        except docker.errors.APIError:
            pass  # already gone


def _remove(container: Any) -> None:
    import docker

    try:
        container.remove(force=True)
    except docker.errors.NotFound:
        pass


def _remove_labelled(client: Any, run_id: str) -> int:
    containers = client.containers.list(all=True, filters={"label": f"{RUN_LABEL}={run_id}"})
    for container in containers:
        _remove(container)
    return len(containers)


def cleanup_orphans(run_ids: list[str], client: Any = None) -> int:
    """Remove the containers of runs whose process died; no-op without a Docker engine."""
    import docker

    if not run_ids:
        return 0
    try:
        client = client or _connect()
    except RunError:
        return 0
    try:
        return sum(_remove_labelled(client, run_id) for run_id in run_ids)
    except docker.errors.DockerException:
        return 0
