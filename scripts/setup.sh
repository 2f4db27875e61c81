#!/usr/bin/env bash
# Sets up and starts dockerera with its embedded defaults: the local Docker daemon (started if none runs, with
# loopback-safe flags), the embedded store, the REST API on :8181 and the Karaf console on 127.0.0.1:8101.
#
#   scripts/setup.sh            build, install into ./run/dockerera (or $DOCKERERA_HOME) and start
#
# Re-running it rebuilds and reinstalls, keeping the cluster key, the console password, etc/org.dockerera.*.cfg and
# the store (data/dockerera).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DOCKERERA_HOME=${DOCKERERA_HOME:-$ROOT/run/dockerera}

say() { printf '==> %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root: it installs Debian packages and may start a Docker daemon"

need=()
for p in openjdk-17-jdk-headless maven curl docker-registry; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}

say "local Docker daemon"
scripts/local-docker.sh

say "building (mvn install, tests skipped; scripts/test.sh runs them)"
mvn -B -q install -DskipTests
VERSION=$(mvn -B -q -Dstyle.color=never help:evaluate -Dexpression=project.version -DforceStdout 2>/dev/null || true)
DIST=$(ls karaf-assembly/target/dockerera-karaf-*.tar.gz | head -n1)
[ -f "$DIST" ] || die "no distribution built under karaf-assembly/target"

if [ -x "$DOCKERERA_HOME/bin/stop" ] && "$DOCKERERA_HOME/bin/status" >/dev/null 2>&1; then
    say "stopping the running dockerera"
    "$DOCKERERA_HOME/bin/stop" || true
    for _ in $(seq 1 60); do "$DOCKERERA_HOME/bin/status" >/dev/null 2>&1 || break; sleep 1; done
fi

say "installing into $DOCKERERA_HOME"
tmp=$(mktemp -d)
tar xzf "$DIST" -C "$tmp"
src=$(ls -d "$tmp"/dockerera-karaf-*/)
if [ -d "$DOCKERERA_HOME" ]; then
    for f in "$DOCKERERA_HOME"/etc/dockerera.key "$DOCKERERA_HOME"/etc/users.properties "$DOCKERERA_HOME"/etc/host.key \
             "$DOCKERERA_HOME"/etc/org.dockerera.*.cfg; do
        [ -f "$f" ] && cp -p "$f" "$src/etc/"
    done
    if [ -d "$DOCKERERA_HOME/data/dockerera" ]; then mkdir -p "$src/data"; cp -a "$DOCKERERA_HOME/data/dockerera" "$src/data/"; fi
    rm -rf "$DOCKERERA_HOME"
fi
mkdir -p "$(dirname "$DOCKERERA_HOME")"
mv "$src" "$DOCKERERA_HOME"
rm -rf "$tmp"

say "the dockerera CLI on the PATH: /usr/local/bin/dockerera -> $ROOT/cli/target/dockerera"
ln -sf "$ROOT/cli/target/dockerera" /usr/local/bin/dockerera
if [ -d /etc/bash_completion.d ]; then
    cli/target/dockerera completion >/etc/bash_completion.d/dockerera 2>/dev/null || true
fi

# a registry with demo images, so the quickstart has something to deploy: one already answering on 127.0.0.1:5000
# is used as it is; otherwise Debian's docker-registry is started with its storage in run/demo/registry
say "registry on 127.0.0.1:5000 with the demo images 127.0.0.1:5000/testapp:{v1,v2}"
export DOCKERERA_ENV=${DOCKERERA_DEMO_ENV:-$ROOT/run/demo}
if ! curl -fs -m 2 -o /dev/null http://127.0.0.1:5000/v2/; then
    scripts/registry.sh up
fi
scripts/test-images.sh unix:///var/run/docker.sock

say "starting"
"$DOCKERERA_HOME/bin/start"
port=$(sed -n 's/^ *org.osgi.service.http.port *= *\([0-9]*\).*/\1/p' "$DOCKERERA_HOME/etc/org.ops4j.pax.web.cfg" 2>/dev/null | head -n1)
port=${port:-8181}
for i in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
    [ "$i" = 120 ] && die "dockerera did not answer on :$port within 60 s; see $DOCKERERA_HOME/data/log/karaf.log"
    sleep 0.5
done
token_file="$DOCKERERA_HOME/data/dockerera/admin.token"
for _ in $(seq 1 20); do [ -f "$token_file" ] && break; sleep 0.5; done

cat <<EOT

dockerera ${VERSION:-} is running.
  REST API      http://127.0.0.1:$port/api   (admin token in $token_file, mode 0600)
                curl -H "Authorization: Bearer \$(cat $token_file)" http://127.0.0.1:$port/api/hosts
  Karaf console $DOCKERERA_HOME/bin/client            (127.0.0.1:8101, no password for the local operator)
                echo 'dockerera:host-list' | $DOCKERERA_HOME/bin/client -b
  CLI           dockerera init --yes    (then dockerera --help; quickstart in README.md)
  Web UI        http://127.0.0.1:$port/   (log in with the admin token)
  Router        http://127.0.0.1:8080/    (send it Host: <app name>)
  Logs          $DOCKERERA_HOME/data/log/karaf.log
  Stop          $DOCKERERA_HOME/bin/stop
EOT
