#!/usr/bin/env bash
# The tests and the bench drive Debian's browsers (Playwright's own browser download cannot work
# offline): Chromium for every device, Firefox ESR for @firefox, WebKitGTK on Xvfb for @webkit, and
# coturn for @turn. Installs what is missing when we are root; otherwise says what to do.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
need=()
[ -x "$chromium" ] || need+=(chromium)
[ -x "${FIREFOX_PATH:-/usr/bin/firefox-esr}" ] || need+=(firefox-esr)
[ -x /usr/bin/WebKitWebDriver ] || need+=(webkit2gtk-driver)
command -v Xvfb >/dev/null || need+=(xvfb)
command -v turnserver >/dev/null || need+=(coturn)
command -v ip >/dev/null || need+=(iproute2)
command -v unshare >/dev/null || need+=(util-linux)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's ${need[*]}…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}" >/dev/null
  exit 0
fi
if [ -x "$chromium" ]; then
  echo "Missing for some e2e tests: ${need[*]} (Debian: sudo apt-get install ${need[*]})." >&2
  exit 0
fi
echo "Chromium not found at $chromium. Install it (Debian: sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
