"""The trust review of a bundle: everything that decides what it would run, and a loud warning first
when its parts disagree.

Built from the bundle's compiled pipeline (`pipeline.yaml`) and its document. The document is
compiled with the real compiler and compared with `pipeline.yaml` by the round-trip judge
(compiler/equivalence.py), plus each task's platform config and the pipeline root, because
`workbench run DIR/pipeline.yaml` and `workbench run DIR/pipeline.wbp` each run their own: when
they differ, the tasks of both are listed. Component files are reviewed as well (they can be
published or run), each executor not already shown. kfp is imported only to compile the document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from workbench.errors import WorkbenchError
from workbench.model.document import PipelineGraph
from workbench.share.ir_review import IrReview, TaskReview, review_ir

MAX_LISTED_DIFFERENCES = 8


@dataclass(frozen=True)
class Review:
    name: str
    fingerprint: str | None  # the bundle's manifest sha256; None for content without one
    warnings: tuple[str, ...]  # shown before anything else
    parameters: tuple[tuple[str, str], ...]  # pipeline parameter -> default (JSON) or "(required)"
    pipeline_root: str
    tasks: tuple[TaskReview, ...]


def _compile(graph: PipelineGraph) -> tuple[str | None, str]:
    from workbench.compiler.compile import compile_graph

    try:
        return compile_graph(graph), ""
    except WorkbenchError as exc:
        return None, exc.message


def differences(texts: tuple[str, str], reviews: tuple[IrReview, IrReview], names: tuple[str, str]) -> list[str]:
    """How the compiled document and the bundle's pipeline (texts, their reviews, their file names)
    differ in what they run ([] when they do not)."""
    from workbench.compiler.equivalence import equivalent

    try:
        found = [line.replace("only in the first", f"only in {names[0]}").replace("only in the second",
                                                                                  f"only in {names[1]}")
                 for line in equivalent(*texts)]
    except (WorkbenchError, TypeError, ValueError) as exc:  # values YAML has and JSON lacks (dates, bytes)
        return [f"the two cannot be compared ({exc})"]
    platforms = [{t.key: t.platform for t in review.tasks if t.key} for review in reviews]
    found += [f"tasks.{key}.platform config differs" for key in sorted(set(platforms[0]) | set(platforms[1]))
              if platforms[0].get(key) != platforms[1].get(key)]
    roots = [review.pipeline_root for review in reviews]
    if roots[0] != roots[1]:
        found.append(f"pipeline root: {roots[0] or '(none)'!r} != {roots[1] or '(none)'!r}")
    return found


def _mismatch(document: str, pipeline: str, found: list[str]) -> str:
    listed = "; ".join(found[:MAX_LISTED_DIFFERENCES])
    more = f"; and {len(found) - MAX_LISTED_DIFFERENCES} more" if len(found) > MAX_LISTED_DIFFERENCES else ""
    return (f"{pipeline} is NOT what {document} compiles to: running {pipeline} and running {document} run "
            f"different things, and the tasks of both are listed below. What differs ({document} != {pipeline}): "
            f"{listed}{more}")


def _covered(task: TaskReview, shown: list[TaskReview], *, same_key: bool) -> bool:
    return any(s.runs == task.runs and (s.key == task.key if same_key else task.constants in ((), s.constants))
               for s in shown)


def review_files(name: str, fingerprint: str | None, files: dict[str, bytes], *, document: str, pipeline: str,
                 graph: PipelineGraph) -> Review:
    """The review of a bundle's files (`document` parsed into `graph` already)."""
    ir_text = files[pipeline].decode("utf-8")
    main = review_ir(ir_text, pipeline)
    tasks, warnings = list(main.tasks), list(main.notes)
    compiled, problem = _compile(graph)
    if compiled is None:
        warnings.insert(0, f"{document} does not compile ({problem}): running it fails; {pipeline} is reviewed")
    else:
        other = review_ir(compiled, f"{document} (compiled)")
        found = differences((compiled, ir_text), (other, main), (document, pipeline))
        if found:
            warnings.insert(0, _mismatch(document, pipeline, found))
            tasks += [t for t in other.tasks if not _covered(t, tasks, same_key=True)]
            warnings += other.notes
    for path in sorted(files):
        if path != pipeline and path.endswith((".yaml", ".yml")):
            extra = review_ir(files[path].decode("utf-8"), path)
            tasks += [t for t in extra.tasks if not _covered(t, tasks, same_key=False)]
            warnings += extra.notes
    return Review(name, fingerprint, tuple(warnings), main.parameters, main.pipeline_root, tuple(tasks))


def review_document(graph: PipelineGraph, source: str) -> Review:
    """The review of a document alone (a shared library pipeline): what it compiles to."""
    compiled, problem = _compile(graph)
    if compiled is None:
        return Review(graph.name, None, (f"{source} does not compile ({problem}): it cannot run",), (), "", ())
    compiled_review = review_ir(compiled, f"{source} (compiled)")
    return Review(graph.name, None, tuple(compiled_review.notes), compiled_review.parameters,
                  compiled_review.pipeline_root, tuple(compiled_review.tasks))


def _indent(text: str, prefix: str = "      | ") -> list[str]:
    return [prefix + line for line in text.rstrip("\n").splitlines()] or [prefix]


def task_title(task: TaskReview) -> str:
    if not task.key:
        return f"executor {task.executor} in {task.source} (no task of that file runs it)"
    named = f" \u201c{task.name}\u201d" if task.name != task.key.rsplit("/", 1)[-1] else ""
    return f"task {task.key}{named} in {task.source}"


def shown_command(task: TaskReview) -> list[str]:
    """The command, with the embedded Python source (shown in full on its own) named instead; whatever
    precedes the source in its part stays visible."""
    source = (task.python or "").strip()
    return [part.rstrip()[:-len(source)] + "(the Python source below)" if source and part.rstrip().endswith(source)
            else part for part in task.command]


def _block(lines: list[str], title: str, text: str) -> None:
    lines.append(f"    {title}:" + ("" if text else " none"))
    if text:
        lines += _indent(text)


def _task_lines(number: int, task: TaskReview, same_as: int | None) -> list[str]:
    lines = [f"[{number}] {task_title(task)}"]
    if task.constants:
        lines.append("    constant inputs: " + ", ".join(f"{k}={v}" for k, v in task.constants))
    if same_as is not None:
        lines.append(f"    runs the same executor as [{same_as}] (image {task.image or task.kind})")
        return lines
    lines.append(f"    executor: {task.executor or '(none)'} ({task.kind})")
    if task.kind != "container":
        _block(lines, "executor", task.detail)
        _block(lines, "platform config (Kubernetes)", task.platform)
        return lines
    lines.append(f"    image:   {task.image}")
    _block(lines, "command", "\n".join(shown_command(task)))
    lines.append(f"    args:    {json.dumps(list(task.args))}")
    lines.append("    env:     " + (", ".join(f"{k}={v}" for k, v in task.env) or "none"))
    _block(lines, "resources", task.resources)
    _block(lines, "platform config (Kubernetes: secrets, volumes, node selectors...)", task.platform)
    if task.python is not None:
        packages = f" (pip packages: {', '.join(task.packages)})" if task.packages else ""
        lines.append(f"    Python source{packages}:")
        lines += _indent(task.python)
    return lines


def format_review(review: Review) -> str:
    fingerprint = f" (bundle sha256 {review.fingerprint})" if review.fingerprint else ""
    lines = [f"Review of {review.name}{fingerprint}"]
    lines += [f"!!! WARNING: {warning}" for warning in review.warnings]
    lines.append("pipeline parameters: " + (", ".join(f"{k}={v}" for k, v in review.parameters) or "none"))
    if review.pipeline_root:
        lines.append(f"pipeline root (where remote runs write artifacts): {review.pipeline_root}")
    lines.append(f"{len(review.tasks)} task(s) and executor(s) would run. Read each before trusting:")
    first: dict[tuple, int] = {}
    for number, task in enumerate(review.tasks, 1):
        lines += _task_lines(number, task, first.get(task.runs))
        first.setdefault(task.runs, number)
    return "\n".join(lines)
