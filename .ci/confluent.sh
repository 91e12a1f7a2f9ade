#!/usr/bin/env bash
# Builds the optional @confluentinc/kafka-javascript into node_modules from source: its prebuilt binary comes from
# GitHub, which this machine cannot reach. librdkafka from the package's own tarball first (deps/librdkafka), then
# the binding linked against it. Usage: bash .ci/confluent.sh <version> <work dir>  (with npm_config_nodedir set for node-gyp)
set -euo pipefail
version="$1"
work="$2"
mkdir -p "$work"
if command -v apt-get >/dev/null 2>&1; then
  apt-get install -y -qq zlib1g-dev libssl-dev libzstd-dev liblz4-dev libsasl2-dev >/dev/null
fi
if ! ldconfig -p | grep -q 'librdkafka.so.1 '; then
  (cd "$work" && npm pack "@confluentinc/kafka-javascript@$version" --silent >/dev/null && tar xzf confluentinc-kafka-javascript-*.tgz)
  (cd "$work/package/deps/librdkafka" && ./configure --prefix=/usr/local >/dev/null && make -j"$(nproc)" libs >/dev/null && make install-subdirs >/dev/null)
  ldconfig
fi
CKJS_LINKING=dynamic npm install --no-save --no-audit --no-fund "@confluentinc/kafka-javascript@$version" --build-from-source >/dev/null
node -e "const k = require('@confluentinc/kafka-javascript'); console.log('@confluentinc/kafka-javascript', require('@confluentinc/kafka-javascript/package.json').version, 'librdkafka', k.librdkafkaVersion)"
