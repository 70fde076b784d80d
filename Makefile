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

# The suite runs offscreen; then the GUI tests marked `xserver` (the exerciser, the popup picks, the
# random walk) run again under a real X server (Xvfb, Qt's xcb plugin). CI installs xvfb (.ci/run).
XVFB_SCREEN := -screen 0 1600x1000x24
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest
	@if command -v xvfb-run >/dev/null 2>&1; then \
		echo "== GUI tests under Xvfb (QT_QPA_PLATFORM=xcb)"; \
		QT_QPA_PLATFORM=xcb xvfb-run -a -s "$(XVFB_SCREEN)" $(BIN)/pytest -m xserver tests/gui || exit 1; \
	elif [ -n "$$CI" ]; then \
		echo "error: xvfb-run is missing; .ci/run installs it (apt-get install xvfb)" >&2; exit 1; \
	else \
		echo "note: xvfb-run not found, so the GUI tests ran offscreen only (apt-get install xvfb)"; \
	fi

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
