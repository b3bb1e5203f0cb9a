#!/usr/bin/env bash
# Runs a command inside a private network namespace that has only loopback, so no WebRTC or relay
# packet of a test or benchmark can leave the machine. As root: `unshare -n`; otherwise a user
# namespace maps us to root inside it.
set -euo pipefail
if [ "${FERRY_IN_NETNS:-}" = 1 ]; then exec "$@"; fi
export FERRY_IN_NETNS=1
inner='ip link set lo up && exec "$@"'
if [ "$(id -u)" -eq 0 ]; then
  exec unshare --net -- bash -c "$inner" bash "$@"
else
  exec unshare --user --map-root-user --net -- bash -c "$inner" bash "$@"
fi
