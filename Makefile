# make run   — install what is missing, migrate, start the web server and the job workers
# make test  — install what is missing, lint (ruff), and run the whole test suite
# make bench — speed and memory figures, as ratios against a baseline in the same run
# make messages — refresh and compile the zh_Hans catalogue after changing page text
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench install install-dev migrate messages

$(VENV)/.installed: requirements.txt requirements-nodeps.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py ensureadmin
	$(PY) manage.py runplatform --host $(HOST) --port $(PORT)

# The browser tests drive Debian's Chromium through Playwright (no browser download); CJK fonts
# so that screenshots of the Chinese pages are legible.
/usr/bin/chromium:
	$(SUDO) apt-get update -q
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends chromium fonts-wqy-zenhei

lint: install-dev
	$(VENV)/bin/ruff check .

test: lint /usr/bin/chromium
	$(PY) -m pytest

bench: install-dev
	$(PY) -m bench

# After changing a translatable string: refresh the catalogue, translate the new entries in
# locale/zh_Hans/LC_MESSAGES/django.po, then compile (the .mo is committed: make run needs no gettext).
messages: install-dev
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests --ignore=bench --ignore=data
	msgfmt --check -o locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.po
