#!/usr/bin/env bash
# Refresh the dashboard's vendored Apache ECharts from the npm registry (build time only; the
# file is committed, so running the service or the tests never needs this or the network).
#
#   scripts/fetch-vendor.sh            # the pinned version below
#   scripts/fetch-vendor.sh 5.6.0      # another 5.x release; then update docs/dashboard.md
set -euo pipefail

VERSION="${1:-5.6.0}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$REPO/dashboard/static/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "echarts@$VERSION" >/dev/null && tar xzf echarts-*.tgz)
cp "$tmp/package/dist/echarts.min.js" "$VENDOR/echarts.min.js"
cp "$tmp/package/LICENSE" "$VENDOR/ECHARTS-LICENSE.txt"
cp "$tmp/package/NOTICE" "$VENDOR/ECHARTS-NOTICE.txt"
echo "echarts $VERSION → $VENDOR/echarts.min.js"
sha256sum "$VENDOR/echarts.min.js"
