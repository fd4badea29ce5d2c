# Shared by scripts/up and scripts/test: install what is missing, then export
# DATABASE_URL (a project-local PostGIS cluster under var/ unless one is given).
# shellcheck shell=bash
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR="$ROOT/var"
VENV="$ROOT/.venv"
PG_BIN=/usr/lib/postgresql/15/bin
DEB_PACKAGES=(postgresql-15 postgresql-15-postgis-3 gdal-bin libgdal-dev chromium chromium-driver wrk gettext nginx-light fonts-dejavu-core)

say() { printf '\033[1m[mura]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[mura] %s\033[0m\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_system_packages() {
  local missing=()
  for p in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

find_python() {
  local c
  for c in python3.13 python3.12 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3; do
    if command -v "$c" >/dev/null 2>&1 &&
      "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$c"
      return
    fi
  done
  die "Python 3.12 or newer is needed (Django 6.1). Install it, e.g. 'pyenv install 3.12' or Debian's python3.12, then run this again."
}

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    local py
    py=$(find_python)
    say "creating virtualenv with $py"
    "$py" -m venv "$VENV"
  fi
  # Both locks (runtime and dev, see scripts/lock), installed again when either changes.
  local want have=""
  want=$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" | sha256sum | cut -d' ' -f1)
  [ -f "$VENV/.requirements.sha256" ] && have=$(cat "$VENV/.requirements.sha256")
  if [ "$want" != "$have" ]; then
    say "installing Python requirements (requirements.txt, requirements-dev.txt)"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --require-hashes \
      -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt"
    echo "$want" >"$VENV/.requirements.sha256"
  fi
  export PATH="$VENV/bin:$PATH"
}

# The cluster runs as an unprivileged user: initdb refuses root, so root uses `postgres`.
pg_run() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

free_port() {
  "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Where the cluster lives: var/pg, or (root, with a project path `postgres` cannot enter)
# a directory under /var/lib/mura named after the project path, linked from var/pg.
pg_home() {
  mkdir -p "$VAR"
  if [ "$(id -u)" = 0 ] && [ ! -e "$VAR/pg" ] && ! runuser -u postgres -- test -x "$VAR"; then
    local elsewhere
    elsewhere="/var/lib/mura/$(echo "$ROOT" | sha256sum | cut -c1-12)"
    mkdir -p "$elsewhere"
    ln -s "$elsewhere" "$VAR/pg"
  fi
  mkdir -p "$VAR/pg"
  [ "$(id -u)" = 0 ] && chown postgres: "$(readlink -f "$VAR/pg")"
  readlink -f "$VAR/pg"
}

ensure_local_db() {
  local home data port
  home=$(pg_home)
  data="$home/data"
  if [ ! -f "$data/PG_VERSION" ]; then
    say "creating a local PostgreSQL cluster in $data"
    pg_run "$PG_BIN/initdb" -D "$data" -U mura --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! pg_run "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    port=$(cat "$home/port" 2>/dev/null || true)
    if [ -z "$port" ] || ! "$VENV/bin/python" -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1', $port))" 2>/dev/null; then
      port=$(free_port)
      pg_run sh -c "echo $port > '$home/port'"
    fi
    say "starting PostgreSQL on 127.0.0.1:$port"
    pg_run "$PG_BIN/pg_ctl" -D "$data" -l "$home/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $home -c fsync=off -c max_connections=200" \
      start >/dev/null || die "PostgreSQL did not start; see $home/server.log"
  fi
  port=$(cat "$home/port")
  if ! "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U mura -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'mura'" | grep -q 1; then
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U mura mura
  fi
  export DATABASE_URL="postgres://mura@127.0.0.1:$port/mura"
}

ensure_secret_key() {
  if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
    [ -f "$VAR/secret_key" ] ||
      (umask 077 && "$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$VAR/secret_key")
    DJANGO_SECRET_KEY=$(cat "$VAR/secret_key")
    export DJANGO_SECRET_KEY
  fi
}

ensure_everything() {
  cd "$ROOT"
  ensure_system_packages
  ensure_venv
  if [ -n "${DATABASE_URL:-}" ]; then
    say "using DATABASE_URL from the environment"
  else
    ensure_local_db
  fi
  ensure_secret_key
}
