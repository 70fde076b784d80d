from typing import NamedTuple


def pick_best_config(scores: list, configs: list) -> NamedTuple("Choice", [("best_config", dict),
                                                                          ("best_score", float)]):
    """Pair every sweep score with its configuration and return the best one."""
    from collections import namedtuple

    if len(scores) != len(configs):
        raise ValueError(f"{len(scores)} scores for {len(configs)} configurations")
    ranked = sorted(zip(scores, configs), key=lambda pair: pair[0], reverse=True)
    for score, config in ranked:
        print(f"{score:.4f}  {config}")
    score, config = ranked[0]
    return namedtuple("Choice", ["best_config", "best_score"])(config, float(score))
