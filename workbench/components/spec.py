"""A component as the document stores it: its KFP IR interface and implementation, kfp-free.

The IR `inputDefinitions` / `outputDefinitions` and the executor (container or importer) or
sub-pipeline (graph) are kept verbatim, so a component read from any compiled pipeline compiles
back unchanged. `ports` give the typed view the editor and validation use.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from workbench.errors import ComponentError
from workbench.model.types import IR_TO_PARAMETER

KFP_SCHEMA_VERSION = "2.1.0"


@dataclass(frozen=True)
class Port:
    name: str
    type: str
    optional: bool = False
    default: Any = None
    description: str = ""
    is_list: bool = False

    @property
    def is_artifact(self) -> bool:
        return "." in self.type


@dataclass
class PythonSource:
    """What a user typed for a lightweight Python component, kept so it can be edited again."""

    source: str
    function_name: str
    base_image: str
    packages: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"base_image": self.base_image, "function_name": self.function_name,
                "packages": list(self.packages), "source": self.source}

    @classmethod
    def from_dict(cls, data: dict) -> "PythonSource":
        return cls(source=data["source"], function_name=data["function_name"],
                   base_image=data.get("base_image", ""), packages=list(data.get("packages", [])))


def k8s_name(name: str) -> str:
    """kfp's `maybe_rename_for_k8s`: lower case, runs of other characters become one dash."""
    return re.sub("-+", "-", re.sub("[^-0-9a-z]+", "-", name.lower())).lstrip("-").rstrip("-")


def _ports(definitions: dict) -> list[Port]:
    ports = []
    for name, spec in sorted((definitions.get("parameters") or {}).items()):
        ports.append(Port(name=name, type=IR_TO_PARAMETER.get(spec.get("parameterType", "STRING"), "String"),
                          optional=bool(spec.get("isOptional", False)) or "defaultValue" in spec,
                          default=spec.get("defaultValue"), description=spec.get("description", "")))
    for name, spec in sorted((definitions.get("artifacts") or {}).items()):
        schema = spec.get("artifactType", {}).get("schemaTitle", "system.Artifact")
        ports.append(Port(name=name, type=schema, optional=bool(spec.get("isOptional", False)),
                          description=spec.get("description", ""), is_list=bool(spec.get("isArtifactList"))))
    return ports


@dataclass
class ComponentSpec:
    name: str
    implementation: dict
    input_definitions: dict = field(default_factory=dict)
    output_definitions: dict = field(default_factory=dict)
    description: str = ""
    python: PythonSource | None = None
    category: str = ""

    @property
    def kind(self) -> str:
        """'container', 'importer' or 'pipeline' (a graph component: a pipeline inside a pipeline)."""
        if "graph" in self.implementation:
            return "pipeline"
        if "importer" in self.implementation:
            return "importer"
        return "container"

    @property
    def inputs(self) -> list[Port]:
        return _ports(self.input_definitions)

    @property
    def outputs(self) -> list[Port]:
        return _ports(self.output_definitions)

    def input(self, name: str) -> Port | None:
        return next((p for p in self.inputs if p.name == name), None)

    def output(self, name: str) -> Port | None:
        return next((p for p in self.outputs if p.name == name), None)

    @property
    def container(self) -> dict:
        return self.implementation.get("container", {})

    @property
    def image(self) -> str:
        return self.container.get("image", "")

    def to_dict(self) -> dict:
        data: dict[str, Any] = {"implementation": self.implementation, "name": self.name}
        if self.input_definitions:
            data["inputDefinitions"] = self.input_definitions
        if self.output_definitions:
            data["outputDefinitions"] = self.output_definitions
        if self.description:
            data["description"] = self.description
        if self.python is not None:
            data["python"] = self.python.to_dict()
        if self.category:
            data["category"] = self.category
        return data

    @classmethod
    def from_dict(cls, data: dict, *, where: str = "component") -> "ComponentSpec":
        try:
            spec = cls(
                name=data["name"],
                implementation=data["implementation"],
                input_definitions=data.get("inputDefinitions", {}),
                output_definitions=data.get("outputDefinitions", {}),
                description=data.get("description", ""),
                python=PythonSource.from_dict(data["python"]) if data.get("python") else None,
                category=data.get("category", ""),
            )
        except (KeyError, TypeError) as exc:
            raise ComponentError(f"missing or malformed field {exc}", element=where) from exc
        spec.check(where)
        return spec

    def check(self, where: str) -> None:
        kinds = [k for k in ("container", "importer", "graph") if k in self.implementation]
        if len(kinds) != 1:
            raise ComponentError("implementation must be exactly one of container, importer or graph",
                                 element=where)
        if kinds == ["container"] and not self.container.get("image"):
            raise ComponentError(f"component {self.name!r} has no container image; set `image` to the image "
                                 "that runs it", element=where)

    def to_ir_text(self) -> str:
        """The single-component IR YAML kfp's `load_component_from_text` accepts."""
        import yaml

        if self.kind == "pipeline":
            return yaml.safe_dump(self.implementation["graph"], sort_keys=True)
        key = k8s_name(self.name)
        component = {"executorLabel": f"exec-{key}"}
        root: dict[str, Any] = {}
        for field_name, value in (("inputDefinitions", self.input_definitions),
                                  ("outputDefinitions", self.output_definitions)):
            if value:
                component[field_name] = copy.deepcopy(value)
                root[field_name] = copy.deepcopy(value)
        document = {
            "components": {f"comp-{key}": component},
            "deploymentSpec": {"executors": {f"exec-{key}": copy.deepcopy(self.implementation)}},
            "pipelineInfo": {"name": self.name},
            "root": root,
            "schemaVersion": KFP_SCHEMA_VERSION,
        }
        if self.description:
            document["pipelineInfo"]["description"] = self.description
        return yaml.safe_dump(document, sort_keys=True)
