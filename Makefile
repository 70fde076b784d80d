# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MAIN_EXAMPLE := pipelines/train_compare_deploy.wbp

.PHONY: run test bench components examples screenshots package package-check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Opens the workbench on the main example; without a display it runs the example headless. Where no
# registry answers, the public image runs as the locally built base image (`.ci/base-image`).
LOCAL_BASE := workbench-base:bookworm
run: $(STAMP)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		$(BIN)/workbench-gui $(MAIN_EXAMPLE); \
	else \
		echo "no display: validating, compiling and running $(MAIN_EXAMPLE) headless"; \
		$(BIN)/workbench validate $(MAIN_EXAMPLE) && \
		$(BIN)/workbench compile $(MAIN_EXAMPLE) -o out/train_compare_deploy.yaml || exit 1; \
		if [ -z "$$WORKBENCH_IMAGE_MAP" ] && docker image inspect $(LOCAL_BASE) >/dev/null 2>&1 \
			&& ! docker image inspect python:3.11-slim >/dev/null 2>&1; then \
			export WORKBENCH_IMAGE_MAP=python:3.11-slim=$(LOCAL_BASE); \
		fi; \
		$(BIN)/workbench run $(MAIN_EXAMPLE); \
	fi

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest

bench: $(STAMP)
	@for bench in tests/bench/bench_*.py; do \
		echo "== $$bench"; QT_QPA_PLATFORM=offscreen $(BIN)/python $$bench || exit 1; \
	done

components: $(STAMP)
	$(BIN)/python -m workbench.components.builtins_build

examples: $(STAMP)
	$(BIN)/python pipelines/make_examples.py

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest tests/gui/test_screenshots.py

# A one-folder app with PyInstaller (dist/pipeline-workbench), and a smoke check of it.
package: $(STAMP)
	$(BIN)/pip install --quiet 'pyinstaller>=6.10,<7'
	$(BIN)/pyinstaller --noconfirm --distpath dist --workpath build/pyinstaller packaging/workbench.spec

package-check: package
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/smoke_check.py dist/pipeline-workbench

clean:
	rm -rf $(VENV) out .pytest_cache dist build
