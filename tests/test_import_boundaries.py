"""Qt lives in workbench/gui alone, and heavy libraries load only when first used."""

import subprocess
import sys

HEAVY = ["PySide6", "pyqtgraph", "docker", "google.cloud.aiplatform", "kfp", "google_cloud_pipeline_components"]


def loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    return set(result.stdout.split())


def test_core_imports_load_no_qt_and_nothing_heavy():
    assert loaded_after("import workbench.model.document, workbench.model.serialize, workbench.model.validate") == set()
    assert loaded_after("import workbench.compiler, workbench.compiler.compile, workbench.compiler.importer") == set()
    assert loaded_after("import workbench.cli; workbench.cli.build_parser()") == set()


def test_compiling_loads_kfp_but_not_qt():
    code = ("from workbench.model.serialize import load\nfrom workbench.compiler.compile import compile_graph\n"
            "compile_graph(load('pipelines/hyperparameter_sweep.wbp'))")
    loaded = loaded_after(code)
    assert "kfp" in loaded and "PySide6" not in loaded and "docker" not in loaded
