#!/usr/bin/env bash
# Embedded config store: fsync'd writes/s (1 and 4 writer threads) and reads/s, each round next to a raw reference
# (append 200 bytes to a file + FileChannel.force, the floor any durable write pays) in the same process.
#   bench/store/run.sh [ROUNDS=5]      (after mvn install)
#   BACKEND=couchbase bench/store/run.sh [ROUNDS=3]: CAS writes/s, reads/s and change-feed latency of the Couchbase
#   store against CouchbaseMock (no real Couchbase Server) next to the embedded store, in the same process
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null
case "${BACKEND:-embedded}" in
  # BACKEND=couchbase: the Couchbase store (against CouchbaseMock) next to the embedded one, same rounds
  couchbase) exec java -cp "target/classes:$(cat target/cp.txt)" org.dockerera.bench.CouchbaseStoreBench "${1:-3}" ;;
  *) exec java -cp "target/classes:$(cat target/cp.txt)" org.dockerera.bench.StoreBench "${1:-5}" ;;
esac
