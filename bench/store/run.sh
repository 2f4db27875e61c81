#!/usr/bin/env bash
# Config stores side by side: the embedded store and the Redis store (a redis-server of the bench's own on 127.0.0.1
# and a free port, AOF fsync always): compare-and-set writes/s (1 and 4 threads), reads/s, change-feed latency
# (put -> watcher, p50/p99), each round next to a raw reference (append 200 bytes to a file + FileChannel.force, the
# floor any durable write pays) in the same process; list() of 10,000 keys once.
#   bench/store/run.sh [ROUNDS=5]      (after mvn install; MAVEN_OPTS=-Dmaven.repo.local=DIR points Maven at another
#   local repository)
#   BACKEND=migration bench/store/run.sh [ROUNDS=3]: how long a migration of 10,000 keys fences writes, embedded ->
#   Redis and back, through the real facade and migrator
#   BACKEND=couchbase bench/store/run.sh [ROUNDS=3]: CAS writes/s, reads/s and change-feed latency of the Couchbase
#   store against CouchbaseMock (no real Couchbase Server) next to the embedded store, in the same process
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null
case "${BACKEND:-embedded}" in
  migration) exec java -cp "target/classes:$(cat target/cp.txt)" org.dockerera.store.facade.internal.MigrationBench "${1:-3}" ;;
  couchbase) exec java -cp "target/classes:$(cat target/cp.txt)" org.dockerera.bench.CouchbaseStoreBench "${1:-3}" ;;
  *) exec java -cp "target/classes:$(cat target/cp.txt)" org.dockerera.bench.StoreBench "${1:-5}" ;;
esac
