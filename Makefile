# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --quiet --disable-pip-version-check -c requirements/constraints.txt
STAMP := $(VENV)/.installed
# Debug is opt-in (config/settings.py): the development commands turn it on; production never does.
DEV := DJANGO_DEBUG=1
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run install install-dev test lint format messages collectstatic bench bench-quick backup restore screens

run: install
	$(DEV) $(BIN)/python manage.py migrate --no-input
	$(DEV) $(BIN)/python manage.py seed_demo
	@# The background worker (large exports) runs beside the server and stops with it: in its
	@# own session, so Ctrl-C reaches the server only and the worker gets one clean SIGTERM.
	$(DEV) setsid $(BIN)/python manage.py db_worker --no-reload & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml requirements/constraints.txt
	$(PIP) -e .
	touch $@

install-dev: $(DEV_STAMP)

# One pip run for both (each run builds the editable wheel again).
$(DEV_STAMP): $(BIN)/python pyproject.toml requirements/constraints.txt
	$(PIP) -e ".[dev]"
	touch $(STAMP) $@

# Runs on SQLite, or on the database DATABASE_URL names. worksteal: an idle worker takes
# tests queued for the other, so the suite does not end on one worker's long tail.
test: install-dev lint collectstatic
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest --numprocesses=auto --dist=worksteal $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

collectstatic: install
	$(DEV) $(BIN)/python manage.py collectstatic --no-input -v0

# Refresh the zh-Hans catalogue after changing translatable strings; the
# compiled .mo is committed so a fresh machine needs no gettext tools.
messages: install
	$(DEV) $(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=bench
	$(DEV) $(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

# Throwaway databases only (see bench/__main__.py); results in bench/results*.md.
bench: install-dev
	$(BIN)/python -m bench

# A consistent copy of the database named by DATABASE_URL (pg_dump custom format, or SQLite's
# online backup API), and back. Production runs these with its own environment; on a
# development machine debug defaults on so the settings load.
BACKUP ?= backups/workbench-$(shell date +%Y%m%d-%H%M%S).backup
backup: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py backup $(BACKUP)

restore: install
	@test -n "$(FROM)" || { echo "Say which backup: make restore FROM=backups/….backup"; exit 2; }
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py restore $(FROM)

# Screenshots at 375 px into docs/screens/ and the README's "Screens" section.
screens: install-dev collectstatic
	$(BIN)/pytest tests/browser/screens.py -p no:randomly -q

bench-quick: install-dev
	$(BIN)/python -m bench --quick
