#!/usr/bin/env bash
# Builds three tiny broken images (static busybox, no registry) that the container tests start to
# check the lab's one-line errors: no shell at all, no /opt/kafka layout, and a broker that dies at once.
# Usage: build-fixture-images.sh       (needs busybox-static and docker)
set -euo pipefail
busybox=$(command -v busybox)
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' || { echo "need a static busybox (apt-get install busybox-static)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

shell_root() { # a root with /bin/sh and the usual tools, all busybox
  local root=$1
  mkdir -p "$root/bin" "$root/tmp"
  chmod 1777 "$root/tmp"
  cp "$busybox" "$root/bin/busybox"
  for tool in sh echo cat ls grep sed head sleep mkdir; do ln -s busybox "$root/bin/$tool"; done
}

# No shell: one file and nothing to run it with.
mkdir -p "$work/no-shell"
echo 'not an image of the lab' >"$work/no-shell/README"
tar -C "$work/no-shell" -c . | docker import - kafka-dup-lab-test/no-shell:1 >/dev/null

# A shell, but not the apache/kafka layout (no /opt/kafka/bin).
shell_root "$work/no-kafka"
tar -C "$work/no-kafka" -c . | docker import --change 'ENV PATH=/bin' - kafka-dup-lab-test/no-kafka:1 >/dev/null

# The layout, but a broker that fails in its first second (as a broken image or setting would).
shell_root "$work/dies"
mkdir -p "$work/dies/opt/kafka/bin" "$work/dies/opt/kafka/libs"
printf '#!/bin/sh\necho "Formatting metadata directory"\n' >"$work/dies/opt/kafka/bin/kafka-storage.sh"
printf '#!/bin/sh\necho "ERROR Exiting Kafka due to fatal exception during startup."\necho "java.lang.IllegalArgumentException: simulated broken setting"\nexit 1\n' \
  >"$work/dies/opt/kafka/bin/kafka-server-start.sh"
chmod 755 "$work/dies/opt/kafka/bin/"*.sh
tar -C "$work/dies" -c . | docker import --change 'ENV PATH=/bin' - kafka-dup-lab-test/dies-at-start:1 >/dev/null
echo "built kafka-dup-lab-test/no-shell:1, kafka-dup-lab-test/no-kafka:1, kafka-dup-lab-test/dies-at-start:1"
