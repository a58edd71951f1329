# yrdhub — two commands: `make run` (install, migrate, load data, serve) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := src/yrdhub/web/static/vendor
export YRDHUB_ENVIRONMENT ?= development

.PHONY: run test lint install assets db data clean help

help:
	@echo "make run   安装并启动平台 install everything and start the platform at http://127.0.0.1:8000"
	@echo "make test  运行全部测试 run the whole test suite"
	@echo "make lint  ruff + mypy + import-linter"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/echarts/dist/echarts.min.js node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/
	touch $@

install: $(STAMP) $(VENDOR)/.installed

assets: $(VENDOR)/.installed

db: install
	$(BIN)/yrdhub db upgrade

data: db
	$(BIN)/yrdhub data load $(if $(filter development,$(YRDHUB_ENVIRONMENT)),--samples,)

run: data
	$(BIN)/yrdhub users bootstrap
	$(BIN)/yrdhub serve

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .mypy_cache .ruff_cache
