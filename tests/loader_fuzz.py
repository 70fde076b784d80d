"""A seeded mutator of pipeline documents (.wbp) and compiled IR (YAML), and a runner that feeds
each mutant through the CLI's load paths in-process and reports what a user must never see: a
traceback, a hang, an exit code other than 0 / 1, more than one line of error, a changed input file.

Used by tests/cli/test_fuzz_loaders.py (a few thousand cases in make test) and by
tests/bench/bench_fuzz_loaders.py (a longer soak).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import random
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from corpus import REPO, corpus_files

CASE_SECONDS = 5.0
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

HOSTILE_VALUES: list[Any] = [
    None, True, False, 0, -1, 1.5, 2**31, 2**63, 10**30, -(10**30), float("inf"), float("nan"), 1e308, "",
    "x" * 5000, "../../../../etc/passwd", "/etc", "{0}{1}{2}", "{", "}", "${{ }}", "\u202e\u0000",
    [], [1, "a", None], {}, {"kind": "output"}, {"a": {"b": {"c": []}}}, "comp-missing", "12",
]


class CaseTimeout(Exception):
    pass


@dataclass
class Outcome:
    cases: int = 0
    accepted: int = 0
    refused: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, label: str, problem: str | None, accepted: bool) -> None:
        self.cases += 1
        if problem:
            self.failures.append(f"{label}: {problem}")
        elif accepted:
            self.accepted += 1
        else:
            self.refused += 1


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside a parsed document (iterative: mutants can be deep)."""
    found, stack = [], [(value, prefix)]
    while stack:
        item, where = stack.pop()
        found.append(where)
        if isinstance(item, dict):
            stack.extend((v, where + (k,)) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, where + (i,)) for i, v in enumerate(item))
    return found


def _get(value: Any, where: tuple) -> Any:
    for key in where:
        value = value[key]
    return value


def _nested(depth: int) -> Any:
    value: Any = "bottom"
    for index in range(depth):
        value = [value] if index % 2 else {"n": value}
    return value


class Mutator:
    """Structural mutations of a parsed document, plus a few of its text."""

    def __init__(self, rng: random.Random, int_keys: bool):
        self.rng, self.int_keys = rng, int_keys

    def mutate(self, document: Any) -> Any:
        document = copy.deepcopy(document)
        for _ in range(self.rng.choice((1, 1, 2, 3))):
            document = self.rng.choice(self.structural)(self, document)
        return document

    def _pick(self, document: Any, containers_only: bool = False) -> tuple:
        paths = [p for p in _paths(document)
                 if p and (not containers_only or isinstance(_get(document, p), (dict, list)))]
        return self.rng.choice(paths) if paths else ()

    def replace(self, document: Any) -> Any:
        where = self._pick(document)
        if not where:
            return self.rng.choice(HOSTILE_VALUES)
        _get(document, where[:-1])[where[-1]] = copy.deepcopy(self.rng.choice(HOSTILE_VALUES))
        return document

    def delete(self, document: Any) -> Any:
        where = self._pick(document)
        if where:
            parent = _get(document, where[:-1])
            del parent[where[-1]]
        return document

    def rename(self, document: Any) -> Any:
        where = self._pick(document)
        parent = _get(document, where[:-1]) if where else None
        if isinstance(parent, dict):
            new = self.rng.choice([7, None, True, 3.5, ""] if self.int_keys else ["", "7", "../x", "a" * 300])
            parent[new] = parent.pop(where[-1])
        return document

    def transplant(self, document: Any) -> Any:
        """A value from elsewhere in the same document: the right shape in the wrong place."""
        source, target = self._pick(document), self._pick(document)
        if source and target and source[:len(target)] != target:
            _get(document, target[:-1])[target[-1]] = copy.deepcopy(_get(document, source))
        return document

    def nest(self, document: Any) -> Any:
        where = self._pick(document)
        if where:
            _get(document, where[:-1])[where[-1]] = _nested(self.rng.choice((50, 99, 150, 400)))
        return document

    def self_reference(self, document: Any) -> Any:
        """Make an id-valued field name its own container, or a sibling list name its owner."""
        where = self._pick(document, containers_only=True)
        if len(where) >= 2 and isinstance(_get(document, where), dict):
            owner = where[-1]
            node = _get(document, where)
            for key in ("members", "dependentTasks", "after"):
                if isinstance(node.get(key), list):
                    node[key].append(owner)
                    return document
            for key in ("follows", "name", "producerTask", "node"):
                if key in node:
                    node[key] = owner
                    return document
        return document

    structural = [replace, replace, delete, rename, transplant, nest, self_reference]


def text_mutation(rng: random.Random, text: str) -> str:
    choice = rng.randrange(5)
    if choice == 0:
        return text[:rng.randrange(len(text) + 1)]
    position = rng.randrange(len(text) + 1)
    if choice == 1:
        return text[:position] + rng.choice(["\x00", "\ufffd", "{", "]", ":", "\n- ", "&a [*a]", "'"]) + text[position:]
    if choice == 2:
        return text[:position] + "9" * 5000 + text[position:]
    if choice == 3:
        return "[" * 10000 + "]" * 10000 if rng.random() < 0.5 else "{\"a\":" * 3000 + "1" + "}" * 3000
    return text.replace("\n", "\r\n") if rng.random() < 0.5 else ""


@contextlib.contextmanager
def time_limit(seconds: float):
    def expire(signum, frame):
        raise CaseTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_cli(argv: list[str]) -> tuple[int, str]:
    """`workbench ARGV` in this process: exit code and stderr."""
    from workbench.cli import main

    stderr, stdout = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(stdout):
        code = main(argv)
    return code, stderr.getvalue()


def check_case(file: Path, text: str, load: Callable[[Path], tuple[int, str]]) -> tuple[str | None, bool]:
    """Write `text` to `file`, load it; return (problem or None, accepted)."""
    data = text.encode("utf-8", "surrogatepass")
    file.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    started = time.monotonic()
    try:
        with time_limit(CASE_SECONDS):
            code, stderr = load(file)
    except CaseTimeout:
        return f"hang (over {CASE_SECONDS} s)", False
    except BaseException as exc:  # noqa: BLE001 - anything escaping the CLI is the finding
        return f"escaped {type(exc).__name__}: {exc}"[:300], False
    if hashlib.sha256(file.read_bytes()).hexdigest() != digest:
        return "the input file was changed", False
    if code not in (0, 1):
        return f"exit code {code}: {stderr.strip()[:300]}", False
    if "Traceback" in stderr:
        return "traceback", False
    if code == 1:
        lines = stderr.strip().splitlines()
        if len(lines) != 1 or not lines[0].startswith((f"error: {file}", f"{file}: ")):
            return f"not one line naming the file: {stderr.strip()[:300]!r}", False
    if time.monotonic() - started > CASE_SECONDS:
        return "too slow", False
    return None, code == 0


def wbp_seeds() -> list[tuple[str, Any]]:
    return [(path.stem, json.loads(path.read_text())) for path in sorted((REPO / "pipelines").glob("*.wbp"))]


def version_1(document: dict) -> dict:
    """The same document as schema version 1 wrote it (task options flat on the node)."""
    old = copy.deepcopy(document)
    old["schema_version"] = 1
    for node in old["nodes"].values():
        options = node.pop("options", {})
        node["caching"] = options.get("caching", True)
        node["retries"] = (options.get("retry") or {}).get("count", 0)
    return old


def ir_seeds(limit: int | None = None) -> list[tuple[str, Any]]:
    files = corpus_files()
    if limit is not None:
        files = random.Random(0).sample(files, min(limit, len(files)))
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return [(path.stem, list(yaml.load_all(path.read_text(), Loader=loader))) for path in files]


def load_wbp(file: Path) -> tuple[int, str]:
    return run_cli(["validate", str(file)])


def load_ir_import(file: Path) -> tuple[int, str]:
    """The importer, through `workbench import`."""
    return run_cli(["import", str(file), "-o", str(file.with_suffix(".out.wbp"))])


def load_ir_engine(file: Path) -> tuple[int, str]:
    """The engine's reading of the IR, reported the way the CLI reports a RunError."""
    from workbench.errors import WorkbenchError
    from workbench.runs.engine.ir import parse_ir

    try:
        parse_ir(file.read_text(encoding="utf-8", errors="surrogateescape"), str(file))
    except WorkbenchError as exc:
        return 1, f"error: {exc}\n"
    return 0, ""


def fuzz(kind: str, cases: int, seed: int, workdir: Path) -> Outcome:
    """`cases` mutants of `kind` ('wbp' or 'ir') through the CLI's load paths (IR: the importer and
    the engine in turn)."""
    rng = random.Random(seed)
    outcome = Outcome()
    if kind == "wbp":
        seeds = wbp_seeds()
        seeds += [(f"{name}-v1", version_1(doc)) for name, doc in seeds]
        dump, load, suffix = (lambda doc: json.dumps(doc, allow_nan=True)), load_wbp, ".wbp"
    else:
        seeds = ir_seeds()
        dump, load, suffix = (lambda docs: yaml.dump_all(docs, Dumper=_Dumper, sort_keys=False)), None, ".yaml"
    mutator = Mutator(rng, int_keys=kind == "ir")
    for index in range(cases):
        name, document = seeds[index % len(seeds)]
        if rng.random() < 0.15:
            text = text_mutation(rng, dump(document))
        else:
            mutant = mutator.mutate(document if kind == "wbp" else document[0])
            mutated = mutant if kind == "wbp" else [mutant, *document[1:]]
            try:
                text = dump(mutated)
            except (ValueError, RecursionError, yaml.YAMLError):
                continue  # the mutant cannot be written as text; nobody could hand it to us
        problem, accepted = check_case(workdir / f"case{suffix}", text,
                                       load or (load_ir_import, load_ir_engine)[index % 2])
        outcome.add(f"{kind} case {index} (seed {seed}, from {name})", problem, accepted)
    return outcome
