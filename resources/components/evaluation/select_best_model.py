from typing import NamedTuple

from kfp.dsl import Input, Model, Output


def select_best_model(model_a: Input[Model], model_b: Input[Model], model_c: Input[Model],
                      best_model: Output[Model], score_a: float, score_b: float,
                      score_c: float) -> NamedTuple("Best", [("best_name", str), ("best_score", float)]):
    """Compare the held-out scores of three trained models and keep the best one."""
    import os
    import shutil
    from collections import namedtuple

    candidates = [(score_a, model_a), (score_b, model_b), (score_c, model_c)]
    for score, model in candidates:
        print(f"{model.metadata.get('algorithm', model.name)}: ROC AUC {score:.4f}")
    score, winner = max(candidates, key=lambda pair: pair[0])
    if os.path.isdir(winner.path):  # a model folder (model file and model card)
        shutil.copytree(winner.path, best_model.path, dirs_exist_ok=True)
    else:
        shutil.copyfile(winner.path, best_model.path)
    name = winner.metadata.get("algorithm", winner.name)
    best_model.metadata.update(dict(winner.metadata))
    print(f"best: {name} with ROC AUC {score:.4f}")
    return namedtuple("Best", ["best_name", "best_score"])(name, float(score))
