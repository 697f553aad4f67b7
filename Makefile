# The two commands: `make run` and `make test`. Each target is self-contained.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
# The assignment fails the recipe when the bring-up fails (eval alone would not).
SERVICES = services_env="$$(scripts/services.sh up)"; eval "$$services_env"
PYTEST_WORKERS ?= 2

.PHONY: run test lint typecheck messages messages-update bench bench-quick services-down clean venv

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

messages: venv
	scripts/system_deps.sh
	DJANGO_DEBUG=true DJANGO_SECRET_KEY=build-only DATABASE_URL=postgres://unused/unused REDIS_URL=redis://unused \
	  $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=.services >/dev/null

run: venv messages
	$(BIN)/python scripts/ensure_env.py
	$(SERVICES); \
	$(BIN)/python manage.py migrate --noinput; \
	$(BIN)/python manage.py seed_demo; \
	echo; echo "Portal: http://127.0.0.1:8000/  (admin: /admin/, API docs: /api/docs/)"; echo; \
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/honcho -f Procfile.dev start

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	DJANGO_DEBUG=true DJANGO_SECRET_KEY=typecheck DATABASE_URL=postgres://unused/unused REDIS_URL=redis://unused \
	  $(BIN)/mypy .

test: venv messages
	$(MAKE) lint
	$(MAKE) typecheck
	$(SERVICES); \
	export DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))'); \
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=portal.test_settings; \
	$(BIN)/pytest -n $(PYTEST_WORKERS) --create-db $(PYTEST_ARGS)

messages-update: venv
	DJANGO_DEBUG=true DJANGO_SECRET_KEY=build-only DATABASE_URL=postgres://unused/unused REDIS_URL=redis://unused \
	  $(BIN)/python manage.py makemessages -l vi -l en --no-location --no-obsolete \
	  --ignore=.venv --ignore=.services --ignore=tests --ignore=bench --ignore=static

bench: venv messages
	$(SERVICES); $(BIN)/python -m bench.run --size $${BENCH_SIZE:-1000000}

bench-quick: venv messages
	$(SERVICES); $(BIN)/python -m bench.run --size $${BENCH_SIZE:-10000} --quick

services-down:
	scripts/services.sh down

clean: services-down
	rm -rf .services staticfiles test-output
