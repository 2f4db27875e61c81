#!/usr/bin/env bash
# Scheduler: a whole cluster's worth of placements, one request per app (10 instances each), every request seeing the
# hosts as the previous ones left them. 10,000 instances on 1,000 hosts (target < 1 s) and 100,000 on 10,000, per
# strategy, min/median/max of ROUNDS timed runs after warm-up (at least 2 rounds and 5 s), next to a reference run in the
# same process: one bare greedy pass over primitive arrays of free CPU/memory per request (the floor any placement that
# looks at every host pays; no constraints, ports, anti-affinity, ranking or reasons).
#   bench/scheduler/run.sh [ROUNDS=5] [small|large|all] [spread,binpack,random]   (after mvn install of bundles/api and bundles/scheduler)
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null
exec java -Xms1g -Xmx2g -cp "target/classes:$(cat target/cp.txt)" org.dockerera.bench.SchedulerBench "${1:-5}" "${2:-all}" "${3:-spread,binpack,random}"
