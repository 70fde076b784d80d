"""The Kubernetes platform config of IR tasks: which executor config a task has, and where the
parameters it references come from (shared by the importer and the round-trip judge).

kfp writes a task's kfp-kubernetes settings under `platforms.kubernetes.deploymentSpec.executors`,
keyed by the executor label of the task's component, with references relative to the task's DAG
(`pipelinechannel--...` inside loops and conditions).
"""

from __future__ import annotations

from workbench.compiler.ir_load import IrFile
from workbench.compiler.ir_walk import IrTask, IrWalk, Source
from workbench.model.kubernetes import Path, split_references


def mapping(value: object) -> dict:
    """The value when it is a mapping, else an empty one (a damaged platform spec reads as empty;
    the importer says what it dropped)."""
    return value if isinstance(value, dict) else {}


def kubernetes_platform(ir: IrFile) -> dict:
    return mapping(mapping(ir.platforms).get("kubernetes"))


def executor_configs(ir: IrFile) -> dict:
    """Executor label -> its KubernetesExecutorConfig JSON."""
    return mapping(mapping(kubernetes_platform(ir).get("deploymentSpec")).get("executors"))


def task_config(ir: IrFile, task: IrTask) -> dict | None:
    """The task's Kubernetes executor config, or None."""
    label = (ir.components.get(task.component) or {}).get("executorLabel")
    config = executor_configs(ir).get(label) if label else None
    return config if isinstance(config, dict) else None


def resolved_config(walk: IrWalk, task: IrTask, config: dict) -> tuple[dict, dict[Path, Source]]:
    """The config without its references, and each reference resolved to its real source."""
    bare, references = split_references(config)
    return bare, {path: walk.reference(task, reference) for path, reference in references.items()}


def reference_producers(walk: IrWalk, task: IrTask) -> set[str]:
    """Tasks of the same DAG whose outputs the task's Kubernetes config reads (kfp adds them to
    `dependentTasks`; they are data dependencies, not `.after`)."""
    config = task_config(walk.ir, task)
    if config is None:
        return set()
    _, references = split_references(config)
    return {reference["taskOutputParameter"].get("producerTask", "") for reference in references.values()
            if isinstance(reference.get("taskOutputParameter"), dict)}
