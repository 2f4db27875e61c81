#!/usr/bin/env bash
# Deploys on real daemons, each figure next to a reference from the same run (see DeployBench.java):
#  (a) deploy overhead: POST /api/apps/{app}/deploys of a 2-instance app -> its release active, against raw
#      `docker pull` + `docker run -d -p` + first 2xx on /health of the same image on the same 2 hosts in parallel;
#      the image is removed from every host before each side, so both pull; RUNS timed runs after one warm-up,
#      alternating which side goes first; min/median/max of each, the ratio per run and the ratio of medians;
#  (b) host loss: kill -9 of a daemon running an instance -> the app has its 2 healthy instances again (GET
#      instances), TRIALS trials, median and max, split into detection and replacement; the daemon is restarted after
#      each trial and its orphaned containers must be removed before the next.
#
#   (c) route propagation: a table change (a domain added) until each registered router answers for it (the
#      built-in one, and HAProxy and Apache unless BENCH_ROUTERS says otherwise), CHANGES times: p50/p99/max per
#      router and for all of them; then an instance change (scale 1 -> 2: the table gains a backend, no host name
#      changes) from the table's arrival on the route stream until each router answers from the new instance,
#      max(10, CHANGES/4) times: p50/p99/max per router.
#   bench/deploy/run.sh [RUNS=5] [TRIALS=5] [CHANGES=100]
#
# Needs the test environment (scripts/env.sh up 3) and, unless DOCKERERA_URL and DOCKERERA_TOKEN_FILE name a running
# distribution (its hosts must be the environment's; it must be idle), the assembled distribution from
# `mvn install` (karaf-assembly/target/dockerera-karaf-*.tar.gz), which it starts on free ports with the shipped
# defaults (etc/org.dockerera.controller.cfg: heartbeat 2 s, down after 6 s) and stops at the end.
# BENCH_PROBE_MS (default 50): how often both sides probe a starting instance.
# Maven runs offline; MAVEN_OPTS=-Dmaven.repo.local=DIR points it at another local repository.
set -euo pipefail
cd "$(dirname "$0")"
RUNS=${1:-5}
TRIALS=${2:-5}
CHANGES=${3:-100}
export DOCKERERA_ENV=${DOCKERERA_ENV:-/tmp/dockerera-env}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
[ -f "$DOCKERERA_ENV/env.properties" ] || { echo "no test environment: run scripts/env.sh up 3 first" >&2; exit 1; }

mvn -B -q -o compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null

URL=${DOCKERERA_URL:-}
TOKEN_FILE=${DOCKERERA_TOKEN_FILE:-}
CFG=
if [ -z "$URL" ]; then
    DIST=$(ls ../../karaf-assembly/target/dockerera-karaf-*.tar.gz 2>/dev/null | head -n1)
    [ -n "$DIST" ] || { echo "no distribution: run mvn install first (or set DOCKERERA_URL and DOCKERERA_TOKEN_FILE)" >&2; exit 1; }
    WORK=$(mktemp -d /tmp/dockerera-deploy-bench.XXXXXX)
    stop_dist() {
        "$WORK/bin/stop" >/dev/null 2>&1 || true
        for _ in $(seq 1 100); do pgrep -f -- "-Dkaraf.home=$WORK( |$)" >/dev/null || break; sleep 0.2; done
        pkill -9 -f -- "-Dkaraf.home=$WORK( |$)" || true
        rm -rf "$WORK"
    }
    trap stop_dist EXIT
    tar xzf "$DIST" -C "$WORK" --strip-components=1
    free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
    setprop() { # file key value
        if grep -qE "^\s*$2\s*=" "$1" 2>/dev/null; then sed -i -E "s|^\s*$2\s*=.*|$2 = $3|" "$1"; else echo "$2 = $3" >>"$1"; fi
    }
    HTTP=$(free_port)
    setprop "$WORK/etc/org.ops4j.pax.web.cfg" org.osgi.service.http.port "$HTTP"
    setprop "$WORK/etc/org.apache.karaf.shell.cfg" sshPort "$(free_port)"
    setprop "$WORK/etc/org.apache.karaf.management.cfg" rmiRegistryPort "$(free_port)"
    setprop "$WORK/etc/org.apache.karaf.management.cfg" rmiServerPort "$(free_port)"
    setprop "$WORK/etc/org.dockerera.controller.cfg" autoRegisterLocal false
    setprop "$WORK/etc/org.dockerera.router.builtin.cfg" listenHost 127.0.0.1
    setprop "$WORK/etc/org.dockerera.router.builtin.cfg" port "$(free_port)"
    setprop "$WORK/etc/org.dockerera.router.builtin.cfg" httpsPort "$(free_port)"
    for r in haproxy apache; do
        setprop "$WORK/etc/org.dockerera.router.$r.cfg" listenHost 127.0.0.1
        setprop "$WORK/etc/org.dockerera.router.$r.cfg" port "$(free_port)"
    done
    "$WORK/bin/start"
    URL=http://127.0.0.1:$HTTP
    TOKEN_FILE=$WORK/data/dockerera/admin.token
    CFG=$WORK/etc/org.dockerera.controller.cfg
    deadline=$((SECONDS + 120))
    until curl -fs "$URL/api/health" >/dev/null 2>&1 && [ -s "$TOKEN_FILE" ]; do
        [ $SECONDS -lt $deadline ] || { echo "the distribution did not answer within 120 s ($WORK/data/log)" >&2; exit 1; }
        sleep 0.2
    done
    # the other router backends, for per-type propagation figures (BENCH_ROUTERS="" for the built-in one only)
    for r in ${BENCH_ROUTERS-haproxy apache}; do
        echo "feature:install dockerera-router-$r" | "$WORK/bin/client" -b >/dev/null
    done
    want=$((1 + $(wc -w <<<"${BENCH_ROUTERS-haproxy apache}")))
    deadline=$((SECONDS + 60))
    until [ "$(curl -fs -H "Authorization: Bearer $(cat "$TOKEN_FILE")" "$URL/api/routers" |
               python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null)" = "$want" ]; do
        [ $SECONDS -lt $deadline ] || { echo "not all $want routers registered within 60 s" >&2; exit 1; }
        sleep 0.5
    done
fi
[ -n "$TOKEN_FILE" ] || { echo "DOCKERERA_TOKEN_FILE: a file holding an admin token" >&2; exit 1; }
java -Dbench.probeMs="${BENCH_PROBE_MS:-50}" -cp "target/classes:$(cat target/cp.txt)" org.dockerera.bench.DeployBench \
    "$URL" "$TOKEN_FILE" "$RUNS" "$TRIALS" "$CHANGES" $CFG
