# shellcheck shell=bash
# A throw-away PostgreSQL cluster for scripts/test and scripts/bench. Source it; it sets
# no traps, so the caller calls stop_postgres from its own cleanup.
#
#   find_pg_bin                  prints the directory holding initdb, pg_ctl and postgres (status 1 if none)
#   start_postgres [-c k=v ...]  initdb's a cluster in a new temp dir (PG_DIR), starts it on a free loopback
#                                port with the given server settings added, creates the role and database
#                                `parhub`; sets PG_URL. Needs PG_BIN (from find_pg_bin).
#   start_replica [-c k=v ...]   a streaming replica of that cluster (pg_basebackup -R into PG_DIR/replica),
#                                hot standby on another free loopback port (give it the primary's settings:
#                                a standby refuses fewer max_connections); sets PG_READ_URL
#   stop_postgres                stops both and removes PG_DIR
#
# As root, initdb and postgres run as the `postgres` user (created if missing).

PG_DIR=""          # mktemp dir owned by postgres; cluster in $PG_DIR/data
PG_BIN=${PG_BIN:-}
PG_URL=""
PG_READ_URL=""
AS_PG=()

_pg_log() {
  if declare -F log >/dev/null; then log "$*"; else printf '%s\n' "$*"; fi
}

_pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

find_pg_bin() {
  local d c
  c=$(command -v initdb 2>/dev/null || true)
  if [[ -n $c ]]; then
    d=$(dirname "$(readlink -f "$c")")
    if [[ -x $d/pg_ctl && -x $d/postgres ]]; then echo "$d"; return 0; fi
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]]; then echo "$d"; return 0; fi
  done
  return 1
}

start_postgres() {
  local is_root=0
  [[ $(id -u) -eq 0 ]] && is_root=1
  if ((is_root)); then
    # initdb and postgres refuse to run as root: run them as the postgres user.
    id -u postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    AS_PG=(runuser -u postgres --)
  else
    AS_PG=()
  fi
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/parhub-pg.XXXXXX")
  chmod 700 "$PG_DIR"
  ((is_root)) && chown postgres: "$PG_DIR"
  local port; port=$(_pg_free_port)
  "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
    >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  mkdir -p "$PG_DIR/sock"; ((is_root)) && chown postgres: "$PG_DIR/sock"
  # Unix socket in the temp dir (/var/run/postgresql may not exist); TCP on loopback only.
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR/sock $*" \
    start >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE parhub LOGIN SUPERUSER" -c "CREATE DATABASE parhub OWNER parhub" \
    || { cat "$PG_DIR/server.log" >&2; return 1; }
  PG_URL="postgres://parhub@127.0.0.1:$port/parhub"
  _pg_log "PostgreSQL up: $PG_URL (data $PG_DIR/data)"
}

start_replica() {
  local port primary_port=${PG_URL##*:}
  primary_port=${primary_port%%/*}
  port=$(_pg_free_port)
  "${AS_PG[@]}" "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$PG_DIR/replica" -R -X stream --checkpoint=fast --no-sync \
    >"$PG_DIR/basebackup.log" 2>&1 || { cat "$PG_DIR/basebackup.log" >&2; return 1; }
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/replica" -l "$PG_DIR/replica.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR/sock -c hot_standby=on $*" \
    start >/dev/null || { cat "$PG_DIR/replica.log" >&2; return 1; }
  PG_READ_URL="postgres://parhub@127.0.0.1:$port/parhub"
  _pg_log "PostgreSQL replica up: $PG_READ_URL (streaming from port $primary_port)"
}

stop_postgres() {
  if [[ -n $PG_DIR && -f $PG_DIR/replica/postmaster.pid ]]; then
    "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/replica" stop -m immediate >/dev/null 2>&1 || true
  fi
  PG_READ_URL=""
  if [[ -n $PG_DIR && -f $PG_DIR/data/postmaster.pid ]]; then
    "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" stop -m fast -w -t 30 >/dev/null 2>&1 \
      || "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" stop -m immediate >/dev/null 2>&1 || true
  fi
  [[ -n $PG_DIR ]] && rm -rf "$PG_DIR"
  PG_DIR=""
}
