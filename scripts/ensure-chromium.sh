#!/usr/bin/env bash
# The tests and the bench drive Debian's Chromium (Playwright's own browser download cannot work
# offline). Installs it when missing and we are root; otherwise says what to do.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's Chromium…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium iproute2 util-linux >/dev/null
  exit 0
fi
echo "Chromium not found at $chromium. Install it (Debian: sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
