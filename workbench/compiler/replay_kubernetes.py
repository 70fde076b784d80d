"""A node's Kubernetes settings onto its kfp task, through kfp-kubernetes.

The stored config is the task's KubernetesExecutorConfig JSON without its references; each
reference is put back as kfp-kubernetes itself writes one (`common.parse_k8s_parameter_input`,
which also registers the channel with the task and makes it wait for the producer), and the
whole config is checked against kfp-kubernetes' proto before it reaches the task, so a wrong
field is a compile error naming the task, not a broken IR. Only called with kfp imported and
`KFP_LOCK` held.
"""

from __future__ import annotations

from typing import Any, Callable

from workbench.errors import CompileError
from workbench.model.bindings import Binding
from workbench.model.kubernetes import KubernetesConfig, join_references


def apply_kubernetes(task: Any, config: KubernetesConfig, value_of: Callable[[Binding], Any], where: str) -> None:
    from google.protobuf import json_format
    from kfp.dsl import pipeline_channel
    from kfp.kubernetes import common
    from kfp.kubernetes import kubernetes_executor_config_pb2 as pb

    if not task.container_spec:
        raise CompileError("Kubernetes settings apply to container tasks only, not to importers or "
                           "pipelines used as components", element=where)
    references = {}
    for path, binding in config.references.items():
        what = f"{where} Kubernetes setting {'/'.join(map(str, path))}"
        channel = value_of(binding)
        if not isinstance(channel, pipeline_channel.PipelineParameterChannel):
            raise CompileError(f"takes a {binding.kind} value; a Kubernetes setting takes a pipeline parameter, "
                               "a loop item or an upstream output parameter", element=what)
        spec = common.parse_k8s_parameter_input(channel, task)
        references[path] = json_format.MessageToDict(spec)
    try:
        joined = join_references(config.config, references)
        message = json_format.ParseDict(joined, pb.KubernetesExecutorConfig())
    except KeyError as exc:
        raise CompileError(f"a reference points at {exc.args[0]!r}, which the Kubernetes settings do not have",
                           element=where) from None
    except json_format.ParseError as exc:
        raise CompileError(f"Kubernetes settings are not valid for kfp-kubernetes: {exc}", element=where) from None
    task.platform_config["kubernetes"] = json_format.MessageToDict(message)
