#!/usr/bin/env bash
# Idempotent developer set-up: create .venv (Python >= 3.11) and install the project with its
# dev extras, but only when pyproject.toml changed since the last successful install.
# The stamp is .venv/.bootstrap-stamp (sha256 of pyproject.toml + the venv's Python version);
# the pip log of the last install is .venv/bootstrap.log (printed on failure).
#
#   PYTHON=/path/to/python3.12 scripts/bootstrap.sh   # choose the interpreter for a new venv
#   rm .venv/.bootstrap-stamp                         # force a reinstall
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
VENV="$REPO/.venv"
STAMP="$VENV/.bootstrap-stamp"
LOG="$VENV/bootstrap.log"

die() { echo "bootstrap.sh: $*" >&2; exit 1; }

is_py311() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }

# Pick an interpreter: $PYTHON, else the first of python3, python3.13, python3.12, python3.11
# that is at least 3.11.
find_python() {
    local c
    for c in ${PYTHON:-} python3 python3.13 python3.12 python3.11; do
        if command -v "$c" >/dev/null 2>&1 && is_py311 "$c"; then command -v "$c"; return; fi
    done
    die "need Python >= 3.11 (set PYTHON=/path/to/python3.11)"
}

# (Re)create the venv if missing or broken (e.g. its base interpreter was removed).
if ! { [ -x "$VENV/bin/python" ] && is_py311 "$VENV/bin/python" && "$VENV/bin/python" -m pip --version >/dev/null 2>&1; }; then
    PY="$(find_python)"
    echo "bootstrap.sh: creating .venv with $PY ($("$PY" --version 2>&1))" >&2
    rm -rf "$VENV"
    "$PY" -m venv "$VENV" || die "python -m venv failed (on Debian: apt-get install python3-venv)"
fi

want="$(sha256sum pyproject.toml | cut -d' ' -f1) $("$VENV/bin/python" -c 'import sys; print(sys.version.split()[0])')"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
    exit 0  # up to date
fi

echo "bootstrap.sh: installing fundledger[dev] into .venv (log: .venv/bootstrap.log)" >&2
rm -f "$STAMP"
if ! "$VENV/bin/python" -m pip install --disable-pip-version-check -q -e '.[dev]' >"$LOG" 2>&1; then
    echo "---- pip output (.venv/bootstrap.log, last 60 lines) ----" >&2
    tail -n 60 "$LOG" >&2
    die "pip install -e '.[dev]' failed"
fi
echo "$want" >"$STAMP"
