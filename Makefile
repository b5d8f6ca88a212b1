# Two commands on a fresh clone: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install run serve test screenshots bench loadtest check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(INSTALLED)

install: $(INSTALLED)

run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	@echo "Serving http://127.0.0.1:8000/ (Ctrl-C to stop); beside it a tasks worker (publishing, emails) and the reminder clock"
	DEBUG=1 $(BIN)/python manage.py db_worker --queue-name '*' --no-reload & worker=$$!; \
	DEBUG=1 $(BIN)/python manage.py send_reminders --loop --interval 900 & clock=$$!; \
	trap 'kill $$worker $$clock 2>/dev/null; wait $$worker $$clock 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

# Production set-up on one machine: gunicorn (2 x cores + 1 worker processes, each
# with 2 threads so a request waiting on PostgreSQL or on a sign-in's password
# hashing does not hold up the next; more threads per process would queue
# requests for the one interpreter lock instead of spreading them over the cores;
# kept-alive connections stay open longer than a reader's pause, so a reused one
# is not closed just as it is sent),
# DEBUG off, static files through WhiteNoise. Behind a TLS proxy set
# BEHIND_PROXY=1 SECURE_SSL_REDIRECT=1 SECURE_COOKIES=1 (README, Deployment).
PORT ?= 8000
serve: install
	@test -n "$$SECRET_KEY" || { echo "make serve needs SECRET_KEY: a random value of 50 or more characters, e.g." >&2; \
	  echo "  SECRET_KEY=\$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') make serve" >&2; exit 2; }
	DEBUG=0 $(BIN)/python manage.py migrate --noinput
	DEBUG=0 $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Serving http://127.0.0.1:$(PORT)/ with gunicorn, a tasks worker and the reminder clock beside it (Ctrl-C to stop)"
	DEBUG=0 $(BIN)/python manage.py db_worker --queue-name '*' --no-reload & worker=$$!; \
	DEBUG=0 $(BIN)/python manage.py send_reminders --loop --interval 900 & clock=$$!; \
	trap 'kill $$worker $$clock 2>/dev/null; wait $$worker $$clock 2>/dev/null' EXIT INT TERM; \
	DEBUG=0 SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-0} SECURE_COOKIES=$${SECURE_COOKIES:-0} \
	  $(BIN)/gunicorn riskregister.wsgi:application --bind 127.0.0.1:$(PORT) \
	  --workers $$(( $$(nproc) * 2 + 1 )) --worker-class gthread --threads $${THREADS:-2} --keep-alive 30 \
	  --access-logfile - --graceful-timeout 20

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# README's pictures (docs/screenshots/*.png) from the browser journeys.
screenshots: install
	SCREENSHOTS=1 $(BIN)/python -m pytest -q -m browser tests/e2e

bench: install
	$(BIN)/python bench/run.py

# locust against the production set-up on PostgreSQL at 127.0.0.1, for a bounded time.
loadtest: install
	$(BIN)/python -m pip install --quiet -e '.[load]'
	$(BIN)/python bench/loadtest.py

check: install
	SECRET_KEY=check-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ $(BIN)/python manage.py check --deploy --fail-level WARNING
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm var staticfiles
