"""Builds the example documents in this folder from the built-in components (`make examples`).

The .wbp files are committed; this script is how they were made and how to remake them after a
built-in component changes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from workbench.components.library import builtin
from workbench.model.bindings import Binding
from workbench.model.document import Group, Node, Parameter, PipelineGraph, new_id
from workbench.model.expressions import Comparison
from workbench.model.serialize import save

HERE = Path(__file__).resolve().parent


class Builder:
    """A little DSL over the document mutators: add a built-in as a node, wire it, group it."""

    def __init__(self, name: str, description: str):
        self.graph = PipelineGraph(name, description)

    def parameter(self, name: str, type_: str, default, description: str = "") -> Binding:
        self.graph.set_parameter(Parameter(name, type_, default, description))
        return Binding.param(name)

    def node(self, key: str, name: str, display_name: str = "", **inputs) -> Node:
        component_key = key.split("/")[-1]
        if component_key not in self.graph.components:
            self.graph.add_component(component_key, builtin(key))
        bindings = {k: v if isinstance(v, Binding) else Binding.constant(v) for k, v in inputs.items()}
        node = Node(new_id(), name, component_key, display_name=display_name, inputs=bindings)
        self.graph.add_node(node)
        return node

    def group(self, kind: str, members: list, **fields) -> Group:
        group = Group(new_id(), kind, members=[m.id for m in members], **fields)
        self.graph.add_group(group)
        return group

    def layout_and_save(self, filename: str) -> None:
        from workbench.compiler.layout import auto_layout

        auto_layout(self.graph)
        save(self.graph, HERE / filename)
        print(f"wrote {filename}")


def out(node: Node, name: str = "Output") -> Binding:
    return Binding.from_output(node.id, name)


def train_compare_deploy() -> None:
    b = Builder("train-compare-deploy", "Load tabular data, train three models in parallel (scikit-learn and "
                                        "XGBoost), keep the best, and package and serve it on a local endpoint "
                                        "when it reaches the threshold; otherwise explain why not.")
    n_samples = b.parameter("n_samples", "Integer", 2000, "rows to generate")
    threshold = b.parameter("threshold", "Float", 0.85, "minimum held-out ROC AUC to deploy")
    epochs = b.parameter("epochs", "Integer", 60, "training epochs for every model")
    load = b.node("data/load_tabular_data", "load-tabular-data", n_samples=n_samples)
    prep = b.node("data/validate_and_preprocess", "validate-and-preprocess", raw=out(load, "dataset"))
    feats = b.node("features/engineer_features", "engineer-features", train=out(prep, "train"),
                   test=out(prep, "test"))
    trainers = []
    for name, algorithm, rate in (("train-model", "logistic_regression", 0.3),
                                  ("train-model-2", "xgboost", 0.3),
                                  ("train-model-3", "neural_net", 0.05)):
        trainers.append(b.node("training/train_model", name, algorithm.replace("_", " "),
                               train=out(feats, "train_features"),
                               test=out(feats, "test_features"), algorithm=algorithm, learning_rate=rate,
                               epochs=epochs))
    select = b.node("evaluation/select_best_model", "select-best-model",
                    **{f"model_{s}": out(t, "model") for s, t in zip("abc", trainers)},
                    **{f"score_{s}": out(t) for s, t in zip("abc", trainers)})
    deploy = b.node("deployment/deploy_model", "deploy-model", model=out(select, "best_model"),
                    model_name=out(select, "best_name"), score=out(select, "best_score"), threshold=threshold)
    serve = b.node("deployment/serve_model", "serve-model", model=out(deploy, "package"))
    report = b.node("reporting/write_report", "write-report", model_name=out(select, "best_name"),
                    score=out(select, "best_score"), threshold=threshold)
    good_enough = b.group("condition", [deploy, serve], name="score reaches threshold",
                          condition=Comparison(out(select, "best_score"), ">=", threshold))
    b.group("condition", [report], name="below threshold", condition=None, follows=good_enough.id)
    b.layout_and_save("train_compare_deploy.wbp")


def hyperparameter_sweep() -> None:
    b = Builder("hyperparameter-sweep", "Train the neural net over a grid of learning rates and epochs, three "
                                        "at a time, and pick the best configuration.")
    grid = b.parameter("grid", "List", [{"learning_rate": lr, "epochs": ep} for lr in (0.02, 0.05, 0.1)
                                        for ep in (30, 60)], "configurations to try")
    load = b.node("data/load_tabular_data", "load-tabular-data")
    prep = b.node("data/validate_and_preprocess", "validate-and-preprocess", raw=out(load, "dataset"))
    loop_id = new_id()
    train = b.node("training/train_model", "train-model", train=out(prep, "train"), test=out(prep, "test"),
                   algorithm="neural_net", learning_rate=Binding.loop_item(loop_id, "learning_rate"),
                   epochs=Binding.loop_item(loop_id, "epochs"))
    b.graph.add_group(Group(loop_id, "loop", name="grid", members=[train.id], items=grid, parallelism=3))
    b.node("tuning/pick_best_config", "pick-best-config", scores=Binding.collected(train.id, "Output"), configs=grid)
    b.layout_and_save("hyperparameter_sweep.wbp")


def sharded_processing() -> None:
    b = Builder("sharded-processing", "Split the work into shards produced upstream, process them in a loop and "
                                      "aggregate; a clean-up task always runs, whatever happens.")
    n_shards = b.parameter("n_shards", "Integer", 6, "how many shards")
    cleanup = b.node("operations/cleanup", "cleanup", status=Binding.final_status())
    shards = b.node("data/make_shards", "make-shards", n_shards=n_shards)
    process = b.node("processing/process_shard", "process-shard")
    loop = b.group("loop", [process], name="shards", items=out(shards), parallelism=0)
    b.graph.set_binding(process.id, "shard", Binding.loop_item(loop.id))
    total = b.node("processing/aggregate_counts", "aggregate-counts", counts=Binding.collected(process.id, "Output"))
    guarded = Group(new_id(), "exit_handler", name="always clean up", members=[shards.id, loop.id, total.id],
                    exit_node=cleanup.id)
    b.graph.add_group(guarded)
    b.layout_and_save("sharded_processing.wbp")


def main() -> int:
    train_compare_deploy()
    hyperparameter_sweep()
    sharded_processing()
    return 0


if __name__ == "__main__":
    sys.exit(main())
