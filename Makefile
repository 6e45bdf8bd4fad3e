# Welkom: `make chat` to talk to the assistant locally, `make test` to run the whole suite.
PYTHON ?= python3
VENV := .venv
RASA_VENV := .venv-rasa
BOT := $(VENV)/bin/python -m bot

.PHONY: chat test run train rasa check lint lock install docker-compose chromium nlu-report unanswered caseworker \
	flows-diagram insights safety-report

chat: install ## install everything, train the NLU if needed, chat in this terminal
	$(BOT) chat

test: install docker-compose chromium ## install what is missing and run the whole suite
	$(BOT) content check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/python -m pytest

run: install ## the Telegram bot (needs TELEGRAM_BOT_TOKEN; see .env.example)
	$(BOT) run

train: install ## train the NLU model for the current nlu_data/ (skipped when nothing changed)
	$(BOT) nlu train

nlu-report: install ## held-out scores and confusion matrices, and what residents would see on the held-out and field sets, in reports/nlu/
	$(BOT) nlu report

safety-report: install ## the urgent check on nlu_data/safety/: recall and false alarms per language and category
	$(BOT) safety report

unanswered: install ## the questions the bot could not answer, for staff: reports/unanswered.csv
	$(BOT) report unanswered

insights: install ## the staff insights page on http://127.0.0.1:8001 (read-only; set INSIGHTS_PASSWORD_HASH)
	$(BOT) insights

caseworker: install ## a caseworker console next to `make chat` (same database): queue, claim, reply, close
	$(BOT) caseworker

flows-diagram: install ## one Mermaid diagram per guided flow, in docs/flows/
	$(BOT) flows diagram

rasa: install ## serve the NLU on 127.0.0.1:5005, for RASA_URL=http://127.0.0.1:5005
	$(BOT) nlu serve

check: install ## validate content/ and nlu_data/
	$(BOT) content check

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

install: $(VENV)/.installed $(RASA_VENV)/.installed

# Both locks carry a hash for every file, so a changed or missing artefact stops the install here.
$(VENV)/.installed: requirements/bot.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/bot.lock
	touch $@

# Rasa 3.6 declares Python <3.11; with every dependency pinned for 3.11 it installs and runs.
$(RASA_VENV)/.installed: requirements/rasa.lock
	$(PYTHON) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps --ignore-requires-python \
		--require-hashes -r requirements/rasa.lock
	touch $@

# requirements/*.in are edited by hand; the locks are written only by this target.
# rasa.in pins every package itself (verified on Python 3.11), so its lock only adds the hashes.
UV_COMPILE := $(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11
lock: $(VENV)/.installed ## rewrite requirements/*.lock from requirements/*.in, with hashes
	$(UV_COMPILE) requirements/bot.in -o requirements/bot.lock
	$(UV_COMPILE) --no-deps requirements/rasa.in -o requirements/rasa.lock

# docker-compose validates docker-compose.yml in the tests; no Docker engine is needed for that.
docker-compose:
	@command -v docker-compose >/dev/null || { apt-get update -qq && apt-get install -y -qq docker-compose >/dev/null; }

# The insights page is tested in Debian's own Chromium (driven by Playwright); nothing downloads a browser.
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

.PHONY: bench bench-smoke

bench: install ## benchmarks on this machine (about 16-18 minutes): bench/results/*.json, docs/benchmarks.md
	$(VENV)/bin/python -m bench

bench-smoke: install ## the benchmark harness with tiny sizes, into bench/results/smoke/
	$(VENV)/bin/python -m bench --smoke --results bench/results/smoke --docs bench/results/smoke
