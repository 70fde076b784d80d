"""Document <-> KFP v2 IR. kfp is imported only inside compile calls, under `KFP_LOCK`."""

from __future__ import annotations

from pathlib import Path

from workbench.errors import CompileError

IR_SUFFIXES = (".yaml", ".yml")


def ir_text_for(path: str | Path) -> str:
    """The IR YAML to run or submit: a `.yaml` file as it is, a `.wbp` document compiled."""
    path = Path(path)
    if path.suffix.lower() in IR_SUFFIXES:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CompileError(f"cannot read the pipeline ({exc})", path=str(path)) from None
    from workbench.compiler.compile import compile_graph
    from workbench.model.serialize import load

    try:
        return compile_graph(load(path))
    except CompileError as exc:
        raise CompileError(exc.message, path=str(path), element=exc.element) from exc
