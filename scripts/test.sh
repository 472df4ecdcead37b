#!/usr/bin/env bash
# The one test command: set up the venv, start the private PostgreSQL, run pytest.
#
#   scripts/test.sh                      # all of tests/
#   scripts/test.sh tests/unit -x -q     # any pytest arguments (paths relative to the repo root)
#
# Exit code: pytest's. "No tests collected" (pytest exit code 5) is reported as a failure.
# PostgreSQL: if this script started the server it stops it again on exit (so a run leaves the
# machine as it found it); if the server was already running it is left alone.
# LEDGER_PG_KEEP=1 keeps a server this script started running (faster repeated runs).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

bash scripts/bootstrap.sh
# Headless Chromium for the dashboard's browser tests (Debian package; no browser download).
bash scripts/ensure-chromium.sh

started_pg=0
if ! bash scripts/pg.sh status >/dev/null 2>&1; then
    started_pg=1
fi
stop_pg() {
    if [ "$started_pg" = 1 ] && [ "${LEDGER_PG_KEEP:-0}" != 1 ]; then
        bash scripts/pg.sh stop || true
    fi
}
trap stop_pg EXIT
bash scripts/pg.sh start

LEDGER_TEST_DATABASE_URL="$(bash scripts/pg.sh url)"
export LEDGER_TEST_DATABASE_URL

rc=0
.venv/bin/python -m pytest "$@" || rc=$?
if [ "$rc" -eq 5 ]; then
    echo "test.sh: pytest collected no tests; that counts as a failure" >&2
fi
exit "$rc"
