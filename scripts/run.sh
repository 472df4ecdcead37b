#!/usr/bin/env bash
# The one run command for newcomers: set up the venv, then serve the API with demo data.
# Uses the embedded SQLite store unless LEDGER_DATABASE_URL says otherwise.
#   scripts/run.sh [more `ledger serve` options]
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

bash scripts/bootstrap.sh
exec .venv/bin/ledger serve --demo "$@"
