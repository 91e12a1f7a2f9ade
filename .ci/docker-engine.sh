#!/usr/bin/env bash
# Starts (start <dir>) or stops (stop <dir>) a Docker Engine for the tests, with its own data root in
# <dir>: Debian's docker.io, run as root. Leaves an engine that already answers alone.
set -euo pipefail
action=${1:?start|stop}
dir=${2:?a directory for the engine data}
sock=/var/run/docker.sock

case "$action" in
start)
  if docker info >/dev/null 2>&1; then echo "a Docker engine already answers at $sock; using it"; exit 0; fi
  mkdir -p "$dir/data" "$dir/exec"
  dockerd --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" -H "unix://$sock" \
    >"$dir/dockerd.log" 2>&1 &
  for _ in $(seq 1 100); do
    docker info >/dev/null 2>&1 && { docker version --format 'Docker Engine {{.Server.Version}}: up'; exit 0; }
    sleep 0.2
  done
  echo "dockerd did not answer within 20 s:" >&2
  tail -20 "$dir/dockerd.log" >&2
  exit 1
  ;;
stop)
  [ -f "$dir/dockerd.pid" ] || exit 0
  pid=$(cat "$dir/dockerd.pid")
  docker ps -aq | xargs -r docker rm -f >/dev/null 2>&1 || true
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  # The overlay mounts go with the engine; anything left is unmounted before the data root is removed.
  grep -o " $dir/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$dir"
  echo "Docker engine stopped"
  ;;
esac
