#!/usr/bin/env bash
# Runs a command inside a private network namespace, so no WebRTC or relay packet of a test or
# benchmark can leave the machine. As root: `unshare -n`; otherwise a user namespace maps us to root
# inside it.
#
# Inside: loopback, plus a veth pair whose both ends stay in this namespace. Firefox gathers no
# usable ICE candidates with loopback alone (it wants an interface with a default route), so one end
# gets an address of the namespace's own (10.77.0.1) and the default route; the other end has no
# address and forwarding is off, so whatever is sent "out" goes nowhere. Packets between two pages
# of this machine to 10.77.0.1 stay local, like those to 127.0.0.1.
set -euo pipefail
if [ "${FERRY_IN_NETNS:-}" = 1 ]; then exec "$@"; fi
export FERRY_IN_NETNS=1
inner='ip link set lo up &&
  ip link add ferry-veth0 type veth peer name ferry-veth1 &&
  ip addr add 10.77.0.1/24 dev ferry-veth0 &&
  ip link set ferry-veth0 up && ip link set ferry-veth1 up &&
  ip route add default dev ferry-veth0 &&
  exec "$@"'
if [ "$(id -u)" -eq 0 ]; then
  exec unshare --net -- bash -c "$inner" bash "$@"
else
  exec unshare --user --map-root-user --net -- bash -c "$inner" bash "$@"
fi
