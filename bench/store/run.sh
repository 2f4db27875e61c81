#!/usr/bin/env bash
# Embedded config store: fsync'd writes/s (1 and 4 writer threads) and reads/s, each round next to a raw reference
# (append 200 bytes to a file + FileChannel.force, the floor any durable write pays) in the same process.
#   bench/store/run.sh [ROUNDS=5]      (after mvn install)
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null
exec java -cp "target/classes:$(cat target/cp.txt)" org.dockerera.bench.StoreBench "${1:-5}"
