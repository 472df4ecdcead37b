#!/usr/bin/env bash
# Make sure the browser tests of the dashboard can run: Debian's chromium (driven by Playwright
# with executable_path=/usr/bin/chromium; `playwright install` is never used) and a CJK font so
# Chinese labels render in screenshots. Idempotent and quiet: does nothing when both are present.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-wqy-microhei)
[ ${#need[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "ensure-chromium: need root or sudo to install ${need[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
[ -x /usr/bin/chromium ] || { echo "ensure-chromium: /usr/bin/chromium still missing" >&2; exit 1; }
