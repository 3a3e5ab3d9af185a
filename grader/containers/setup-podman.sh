#!/usr/bin/env bash
# Makes a Docker-API container runtime out of Debian's podman, for Testcontainers, on a machine
# without Docker: podman + runc from apt, /etc/containers/containers.conf (runc, cgroupfs, a
# nofile ulimit within the machine's), and `podman system service` on a unix socket. Idempotent:
# what is already installed, configured or running is kept. Needs root.
#
# Prints the lines to export at the end:
#   DOCKER_HOST=unix:///run/podman/podman.sock
#   TESTCONTAINERS_RYUK_DISABLED=true
#
# Usage: bash grader/containers/setup-podman.sh [--check]   (--check: only say whether it works)

set -euo pipefail
SOCKET=/run/podman/podman.sock
CONF=/etc/containers/containers.conf
PIDFILE=/run/podman/kafka-lab-service.pid

say() { printf '[podman] %s\n' "$*" >&2; }

works() { # the Docker API answers on the socket
  [[ -S $SOCKET ]] && curl -fsS --max-time 5 --unix-socket "$SOCKET" http://d/_ping >/dev/null 2>&1
}

if [[ ${1:-} == --check ]]; then
  works && exit 0 || exit 1
fi

(( $(id -u) == 0 )) || { say "needs root (apt-get, /etc/containers, /run/podman)"; exit 1; }

if ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! command -v curl >/dev/null; then
  say "installing podman and runc from apt"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman runc uidmap iptables curl >/dev/null
fi

# The machine's hard limits bound what a container may ask for: podman's own defaults for root
# (nofile 1048576, nproc 4194304) are refused by runc here ("error setting rlimits").
hard_nofile=$(ulimit -Hn)
[[ $hard_nofile == unlimited ]] && hard_nofile=1048576
nofile=$(( hard_nofile < 20000 ? hard_nofile : 20000 ))
hard_nproc=$(ulimit -Hu)
[[ $hard_nproc == unlimited ]] && hard_nproc=16384
nproc=$(( hard_nproc < 16384 ? hard_nproc : 16384 )) # a background service may get less than this shell (32768 seen)
wanted="# Written by kafka-lab (grader/containers/setup-podman.sh).
[containers]
default_ulimits = [\"nofile=${nofile}:${nofile}\", \"nproc=${nproc}:${nproc}\"]

[engine]
runtime = \"runc\"
cgroup_manager = \"cgroupfs\"
events_logger = \"file\"
"
mkdir -p /etc/containers
if [[ ! -f $CONF ]] || [[ "$(cat "$CONF")" != "$wanted" ]]; then
  if [[ -f $CONF ]] && ! grep -q 'kafka-lab' "$CONF"; then cp "$CONF" "$CONF.before-kafka-lab"; fi
  printf '%s' "$wanted" > "$CONF"
  say "wrote $CONF (runc, cgroupfs, nofile ${nofile}, nproc ${nproc})"
  restart=true
fi

restart=${restart:-false}
if $restart && works; then
  say "restarting podman system service for the new configuration"
  [[ -f $PIDFILE ]] && kill "$(cat "$PIDFILE")" 2>/dev/null || true
  for _ in $(seq 1 50); do works || break; sleep 0.1; done
fi
if ! works; then
  mkdir -p "$(dirname "$SOCKET")"
  rm -f "$SOCKET"
  say "starting podman system service on $SOCKET"
  nohup podman system service --time=0 "unix://$SOCKET" >/var/log/kafka-lab-podman.log 2>&1 &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 100); do works && break; sleep 0.1; done
  works || { say "podman system service did not answer; see /var/log/kafka-lab-podman.log"; tail -20 /var/log/kafka-lab-podman.log >&2; exit 1; }
fi
say "$(podman --version) with $(runc --version | head -1) answers on $SOCKET"
echo "DOCKER_HOST=unix://$SOCKET"
echo "TESTCONTAINERS_RYUK_DISABLED=true"
