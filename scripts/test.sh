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
mvn -B install "$@"
