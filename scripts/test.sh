#!/usr/bin/env bash
# Runs every test: unit tests, Pax Exam wiring tests in a real Karaf and end-to-end tests on the assembled
# distribution, against real Docker daemons, a registry and test images started by scripts/env.sh (torn down after).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOCKERERA_ENV=${DOCKERERA_ENV:-/tmp/dockerera-env}

need=()
for p in openjdk-17-jdk-headless maven; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}

trap 'scripts/env.sh down' EXIT
scripts/env.sh up 3
# install, not verify: Pax Exam provisions the features and bundles from the local Maven repository
status=0
mvn -B install "$@" || status=$?
if [ "$status" -ne 0 ]; then
    # the reactor summary names the failing tests; their messages (boot failures carry the Karaf JVM's state, its
    # HTTP port's listeners and karaf.log's last errors) go last, where a truncated CI log still shows them
    echo "==> failing tests (reports in */target/*-reports; Karaf logs of the end-to-end tests in itests/target/karaf-logs)"
    grep -l -E "<<< (FAILURE|ERROR)!" ./*/target/*-reports/*.txt ./*/*/target/*-reports/*.txt 2>/dev/null \
        | while read -r report; do
            grep -v -E "^[[:space:]]+at |^[[:space:]]+\.\.\. [0-9]+ more|^-+$|^Test set:" "$report" | head -n 40
        done | cut -c1-400 | head -n 80 || true
fi
exit "$status"
