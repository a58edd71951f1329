# yrdhub — two commands: `make run` (install, migrate, load data, serve) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := src/yrdhub/web/static/vendor
LOCALE := src/yrdhub/locale
KEYWORDS := --no-default-keywords -k _ -k gettext -k N_ -k NP_:1c,2 -k pgettext:1c,2 -k ngettext:1,2  # gettext: {% trans %} blocks
export YRDHUB_ENVIRONMENT ?= development

.PHONY: run test lint install assets db data clean help messages compile-messages docs

help:
	@echo "make run   安装并启动平台 install everything and start the platform at http://127.0.0.1:8000"
	@echo "make test  运行全部测试 run the whole test suite"
	@echo "make lint  ruff + mypy + import-linter"
	@echo "make messages  提取界面文字到翻译目录 extract UI text into the catalogues (then translate zh_CN)"

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

# Translations: msgids are English; translate every new entry of the zh_CN catalogue (the test suite fails on an
# untranslated or fuzzy entry). The en catalogue is filled with the English msgids themselves.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg $(KEYWORDS) --add-location=file --sort-output -o $(LOCALE)/messages.pot \
		src/yrdhub
	$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) --no-fuzzy-matching --ignore-obsolete \
		--width=120 --ignore-pot-creation-date
	$(BIN)/python scripts/messages.py $(LOCALE)/en/LC_MESSAGES/messages.po
	$(MAKE) compile-messages

compile-messages: $(STAMP)
	$(BIN)/pybabel compile -d $(LOCALE) --statistics

install: $(STAMP) $(VENDOR)/.installed compile-messages

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
	$(BIN)/cog --check docs/cli.md

# The CLI reference is generated from the Typer app (the test suite fails when it is stale).
docs: $(STAMP)
	$(BIN)/cog -r docs/cli.md
	$(BIN)/cog -I src -r docs/api.md

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .mypy_cache .ruff_cache
