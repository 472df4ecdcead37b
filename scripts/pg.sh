#!/usr/bin/env bash
# Private PostgreSQL 15 cluster for tests and benchmarks.
#
#   scripts/pg.sh start    initdb if needed, start (idempotent), ensure role + database
#   scripts/pg.sh stop     fast shutdown (idempotent)
#   scripts/pg.sh status   exit 0 if running, 3 if not
#   scripts/pg.sh url      print postgresql://ledger_admin@127.0.0.1:<port>/fundledger
#   scripts/pg.sh psql ... psql into the fundledger database as ledger_admin
#   scripts/pg.sh dir      print the cluster directory
#
# Environment:
#   LEDGER_PG_PORT  TCP port (default 54329); each port is its own cluster
#   LEDGER_PG_DIR   cluster directory (default: see below)
#   LEDGER_PG_BIN   PostgreSQL bin dir (default /usr/lib/postgresql/15/bin)
#
# Layout: <dir>/data (PGDATA), <dir>/run (unix socket), <dir>/postgres.log.
# <dir> is <repo>/.pgdata/<port> (gitignored) when the server's OS user can reach it and the
# socket path fits the 107-byte limit; otherwise /tmp/fundledger-pg-<port>.
#
# As root, the cluster is owned by and runs as the `postgres` OS user (PostgreSQL refuses to run
# as root); as any other user it runs as that user.
#
# SECURITY: initdb uses --auth=trust. Anyone who can reach 127.0.0.1:<port> or the socket can
# log in as any role, superuser included. This is a throwaway TEST cluster: it listens on
# loopback only and must never hold real data.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${LEDGER_PG_PORT:-54329}"
PGBIN="${LEDGER_PG_BIN:-/usr/lib/postgresql/15/bin}"
ROLE=ledger_admin
DB=fundledger

die() { echo "pg.sh: $*" >&2; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] || die "LEDGER_PG_PORT must be a number, got '$PORT'"
[ -x "$PGBIN/pg_ctl" ] || die "no PostgreSQL binaries in $PGBIN (set LEDGER_PG_BIN)"

# Which OS user runs the server, and how we run commands as that user.
if [ "$(id -u)" -eq 0 ]; then
    PGUSER_OS=postgres
    id "$PGUSER_OS" >/dev/null 2>&1 || die "running as root but there is no 'postgres' OS user"
    as_pg() { (cd / && runuser -u "$PGUSER_OS" -- "$@") 9>&-; }
else
    PGUSER_OS="$(id -un)"
    as_pg() { (cd / && "$@") 9>&-; }
fi

# Choose the cluster directory (deterministic, so start/stop/url agree).
choose_dir() {
    if [ -n "${LEDGER_PG_DIR:-}" ]; then echo "$LEDGER_PG_DIR"; return; fi
    local d="$REPO/.pgdata/$PORT"
    local sock="$d/run/.s.PGSQL.$PORT"
    # Usable if the socket path fits, and either we are root and the server user can traverse
    # every ancestor of the repo, or we (the server user) can create/write .pgdata ourselves.
    local ok=0
    if [ "$(id -u)" -eq 0 ]; then
        as_pg test -x "$REPO" 2>/dev/null && ok=1
    elif [ -w "$REPO/.pgdata" ] || { [ ! -e "$REPO/.pgdata" ] && [ -w "$REPO" ]; }; then
        ok=1
    fi
    if [ "${#sock}" -le 100 ] && [ "$ok" = 1 ]; then
        echo "$d"
    else
        echo "/tmp/fundledger-pg-$PORT"
    fi
}
BASE="$(choose_dir)"
PGDATA="$BASE/data"
SOCKDIR="$BASE/run"
LOG="$BASE/postgres.log"

pgctl() { as_pg "$PGBIN/pg_ctl" -D "$PGDATA" "$@"; }
# Superuser connection over the unix socket (role "postgres" is the initdb superuser).
psql_admin() { as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKDIR" -p "$PORT" -U postgres "$@"; }

# Is a postmaster for this PGDATA really running? pg_ctl status alone is fooled by a stale
# postmaster.pid whose PID was reused (common in containers), so also check the executable.
is_running() {
    local pidfile="$PGDATA/postmaster.pid" pid exe
    [ -f "$pidfile" ] || return 1
    pid="$(head -n1 "$pidfile" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
    case "$exe" in */postgres) ;; *) return 1 ;; esac
    # A postmaster runs with its data directory as working directory.
    [ "$(readlink "/proc/$pid/cwd" 2>/dev/null || true)" = "$(readlink -f "$PGDATA")" ] || return 1
    pgctl status >/dev/null 2>&1
}

# Remove lock files left behind by a killed server.
clear_stale_locks() {
    if [ -f "$PGDATA/postmaster.pid" ]; then
        echo "pg.sh: removing stale $PGDATA/postmaster.pid" >&2
        rm -f "$PGDATA/postmaster.pid"
    fi
    rm -f "$SOCKDIR/.s.PGSQL.$PORT" "$SOCKDIR/.s.PGSQL.$PORT.lock"
}

# Our settings live in their own file, rewritten on each start; postgresql.conf includes it.
write_config() {
    cat >"$PGDATA/fundledger.conf" <<EOF
# Written by scripts/pg.sh on every start; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKDIR'
max_connections = 200
shared_buffers = 128MB
# Durability stays ON: benchmarks measure real commits.
fsync = on
synchronous_commit = on
full_page_writes = on
timezone = 'UTC'
log_timezone = 'UTC'
EOF
    grep -q "^include 'fundledger.conf'" "$PGDATA/postgresql.conf" \
        || echo "include 'fundledger.conf'" >>"$PGDATA/postgresql.conf"
    [ "$(id -u)" -ne 0 ] || chown "$PGUSER_OS:" "$PGDATA/fundledger.conf"
}

init_cluster() {
    mkdir -p "$BASE" "$SOCKDIR"
    if [ -f "$PGDATA/PG_VERSION" ]; then
        local v; v="$(cat "$PGDATA/PG_VERSION")"
        [ "$v" = 15 ] || die "$PGDATA holds a PostgreSQL $v cluster; remove $BASE to recreate"
    else
        # Missing or half-initialised (interrupted initdb): start over.
        rm -rf "$PGDATA"
    fi
    if [ "$(id -u)" -eq 0 ]; then
        # Hand everything to the server user (touches only files with the wrong owner).
        find "$BASE" ! -user "$PGUSER_OS" -exec chown "$PGUSER_OS:" {} +
        # Only the cluster's own directory is handed over; .pgdata itself stays traversable.
        [ "$BASE" != "$REPO/.pgdata/$PORT" ] || chmod 755 "$REPO/.pgdata"
    fi
    chmod 700 "$BASE"
    if [ ! -f "$PGDATA/PG_VERSION" ]; then
        echo "pg.sh: initdb $PGDATA" >&2
        as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust \
            --encoding=UTF8 --locale=C --no-instructions >"$BASE/initdb.log" 2>&1 \
            || { cat "$BASE/initdb.log" >&2; die "initdb failed"; }
    fi
    write_config
}

ensure_role_and_db() {
    psql_admin -d postgres -c "DO \$\$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
            CREATE ROLE $ROLE LOGIN SUPERUSER;
        END IF; END \$\$;"
    if [ -z "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
        # Tolerate a concurrent creator: re-check instead of failing on "already exists".
        psql_admin -d postgres -c "CREATE DATABASE $DB OWNER $ROLE" 2>/dev/null \
            || [ -n "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ] \
            || die "could not create database $DB"
    fi
}

cmd_start() {
    if ! is_running; then
        init_cluster
        clear_stale_locks
        echo "pg.sh: starting PostgreSQL on 127.0.0.1:$PORT (data $PGDATA)" >&2
        if ! pgctl -l "$LOG" -w -t 60 start >/dev/null; then
            echo "---- last lines of $LOG ----" >&2
            tail -n 30 "$LOG" >&2 || true
            die "PostgreSQL failed to start (port $PORT in use by another server?)"
        fi
    fi
    # Wait for readiness (pg_ctl -w already does; this also covers a server that is still starting).
    local i
    for i in $(seq 1 60); do
        "$PGBIN/pg_isready" -q -h "$SOCKDIR" -p "$PORT" -U postgres -d postgres && break
        [ "$i" -lt 60 ] || die "server not ready after 30s; see $LOG"
        sleep 0.5
    done
    ensure_role_and_db
}

cmd_stop() {
    if is_running; then
        pgctl -m fast -w -t 60 stop >/dev/null
        echo "pg.sh: stopped PostgreSQL on port $PORT" >&2
    fi
}

cmd_status() {
    if is_running; then
        echo "running: pid $(head -n1 "$PGDATA/postmaster.pid"), 127.0.0.1:$PORT, data $PGDATA"
    else
        echo "stopped (data $PGDATA)"
        return 3
    fi
}

# Serialise start/stop of one cluster (e.g. two test runs started at once). The lock is fd 9;
# as_pg closes it so the postmaster does not inherit (and hold) it.
with_lock() {
    mkdir -p "$(dirname "$BASE")"
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$BASE.lock"
        flock -w 120 9 || die "timed out waiting for $BASE.lock"
    fi
    "$@"
}

case "${1:-}" in
    start)  with_lock cmd_start ;;
    stop)   with_lock cmd_stop ;;
    status) cmd_status ;;
    url)    echo "postgresql://$ROLE@127.0.0.1:$PORT/$DB" ;;
    dir)    echo "$BASE" ;;
    psql)   shift; exec "$PGBIN/psql" "postgresql://$ROLE@127.0.0.1:$PORT/$DB" "$@" ;;
    *)      echo "usage: $0 start|stop|status|url|psql|dir" >&2; exit 2 ;;
esac
