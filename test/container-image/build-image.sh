#!/usr/bin/env bash
# Builds a local stand-in for the official apache/kafka image (no registry is reachable in CI):
# a Debian root with Debian's OpenJDK, the Kafka jars from Maven Central, and the official image's
# layout (/opt/kafka/{bin,libs,config}, /etc/kafka/docker/run, user appuser, CMD run).
# Usage: build-image.sh <kafka-version> <image-ref>      (needs root, debootstrap, mvn, docker)
set -euo pipefail
version=${1:?kafka version, e.g. 4.1.1}
image=${2:?image ref, e.g. kafka-dup-lab-test/kafka:4.1.1}
here=$(cd "$(dirname "$0")" && pwd)
cache=${KAFKA_DUP_LAB_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-dup-lab-test}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$cache"

if docker image inspect "$image" >/dev/null 2>&1 && [ -z "${REBUILD:-}" ]; then
  echo "image $image is already here (REBUILD=1 to build it again)"
  exit 0
fi

# 1. A Debian root with a headless JRE, kept as a tarball so a second build skips the slow part.
base="$cache/bookworm-jre17.tar"
if [ ! -s "$base" ]; then
  root=$(mktemp -d "$cache/root.XXXXXX")
  cleanup_root() { umount "$root/proc" 2>/dev/null || true; rm -rf "$root"; }
  trap cleanup_root EXIT
  echo "== debootstrap bookworm (minbase) from $mirror"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || { tail -20 "$cache/debootstrap.log"; exit 1; }
  echo "== openjdk-17-jre-headless inside the root"
  mount --bind /proc "$root/proc"
  chroot "$root" /bin/sh -c 'export DEBIAN_FRONTEND=noninteractive;
    apt-get update -qq && apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null &&
    apt-get clean && rm -rf /var/lib/apt/lists/*' >"$cache/jre.log" 2>&1 \
    || { tail -20 "$cache/jre.log"; exit 1; }
  umount "$root/proc"
  tar -C "$root" -cf "$base.tmp" . && mv "$base.tmp" "$base"
  cleanup_root
  trap - EXIT
fi

# 2. The broker jars (and the log4j2 binding the distribution ships) from Maven Central.
libs="$cache/kafka-$version-libs"
if [ ! -d "$libs" ]; then
  echo "== Kafka $version jars from Maven Central"
  pom=$(mktemp -d)
  sed "s/@VERSION@/$version/g" "$here/kafka-libs.pom.xml" >"$pom/pom.xml"
  mvn -q -B -f "$pom/pom.xml" dependency:copy-dependencies -DoutputDirectory="$libs.tmp" -DincludeScope=runtime \
    || { rm -rf "$pom" "$libs.tmp"; exit 1; }
  rm -rf "$pom"
  mv "$libs.tmp" "$libs"
fi

# 3. The official layout on top, then one `docker import`.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root"
tar -C "$work/root" -xf "$base"
r="$work/root"
mkdir -p "$r/opt/kafka/bin" "$r/opt/kafka/libs" "$r/opt/kafka/config" "$r/etc/kafka/docker" \
  "$r/var/lib/kafka/data" "$r/mnt/shared/config"
cp "$libs"/*.jar "$r/opt/kafka/libs/"
cp "$here/opt-kafka-bin/"*.sh "$r/opt/kafka/bin/"
cp "$here/log4j2.properties" "$r/opt/kafka/config/log4j2.properties"
cp "$here/run" "$r/etc/kafka/docker/run"
chmod 755 "$r/opt/kafka/bin/"*.sh "$r/etc/kafka/docker/run"
echo "$version" >"$r/opt/kafka/VERSION"
chroot "$r" useradd --home-dir /home/appuser --create-home --shell /bin/bash appuser
chroot "$r" chown -R appuser:appuser /opt/kafka /var/lib/kafka /mnt/shared/config /etc/kafka
echo "== docker import $image"
tar -C "$r" -c . | docker import \
  --change 'USER appuser' \
  --change 'WORKDIR /home/appuser' \
  --change 'EXPOSE 9092' \
  --change 'ENV PATH=/opt/kafka/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/etc/kafka/docker/run"]' \
  - "$image" >/dev/null
docker image inspect --format '{{.Id}} {{.Size}}' "$image"
