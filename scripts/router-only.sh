#!/usr/bin/env bash
# A router-only dockerera: the same distribution booting only the built-in router and its agent (no controller, no
# store, no REST), fed by a controller elsewhere over REST + SSE, on its own ports so it can share a machine with the
# controller. It keeps serving its last route table while the controller is away.
#
#   scripts/router-only.sh DIR CONTROLLER_URL TOKEN_FILE [ROUTER_PORT=8080] [SSH_PORT=8102] [HTTP_PORT=8182] [SOURCE]
#
# DIR        where to install it (created; an existing one is reconfigured and restarted)
# TOKEN_FILE a file holding a router-scoped token: dockerera:token-create --scope router NAME (on the controller)
# SOURCE     the distribution: a .tar.gz or an unpacked directory (default: karaf-assembly/target/*.tar.gz)
# Stop it with DIR/bin/stop.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ $# -ge 3 ] || die "usage: scripts/router-only.sh DIR CONTROLLER_URL TOKEN_FILE [ROUTER_PORT] [SSH_PORT] [HTTP_PORT] [SOURCE]"
DIR=$1 URL=$2 TOKEN=$3 ROUTER_PORT=${4:-8080} SSH_PORT=${5:-8102} HTTP_PORT=${6:-8182}
SOURCE=${7:-$(ls "$SCRIPTS_DIR"/../karaf-assembly/target/dockerera-karaf-*.tar.gz 2>/dev/null | head -n1)}
[ -r "$TOKEN" ] || die "no token file $TOKEN: create a router token on the controller (dockerera:token-create --scope router NAME)"
[ -n "$SOURCE" ] && [ -e "$SOURCE" ] || die "no distribution: build it (mvn install) or pass SOURCE"

if [ ! -x "$DIR/bin/start" ]; then
    mkdir -p "$DIR"
    if [ -d "$SOURCE" ]; then
        src=$SOURCE; [ -x "$src/bin/start" ] || src=$(dirname "$(ls -d "$SOURCE"/*/bin | head -n1)")
        cp -a "$src"/. "$DIR"/
    else
        tar xzf "$SOURCE" -C "$DIR" --strip-components=1
    fi
fi
[ -x "$DIR/bin/stop" ] && "$DIR/bin/stop" >/dev/null 2>&1 || true

set_prop() { # file key value: replace "key = ..." or append it
    local f=$DIR/etc/$1
    touch "$f"
    if grep -qE "^[[:space:]]*$2[[:space:]]*=" "$f"; then
        sed -i -E "s|^[[:space:]]*$2[[:space:]]*=.*|$2 = $3|" "$f"
    else
        printf '%s = %s\n' "$2" "$3" >>"$f"
    fi
}
# boot the router and its agent instead of the whole of dockerera
sed -i -E 's|^([[:space:]]*)dockerera/([^,]*),|\1dockerera-router-builtin/\2,|' "$DIR/etc/org.apache.karaf.features.cfg"
grep -q 'dockerera-router-builtin/' "$DIR/etc/org.apache.karaf.features.cfg" || die "could not set the boot features"
set_prop org.dockerera.router.agent.cfg controllerUrl "$URL"
set_prop org.dockerera.router.agent.cfg tokenFile "$(readlink -f "$TOKEN")"
set_prop org.dockerera.router.builtin.cfg port "$ROUTER_PORT"
set_prop org.apache.karaf.shell.cfg sshPort "$SSH_PORT"
set_prop org.ops4j.pax.web.cfg org.osgi.service.http.port "$HTTP_PORT"
set_prop org.apache.karaf.management.cfg rmiRegistryPort "$((SSH_PORT + 1000))"
set_prop org.apache.karaf.management.cfg rmiServerPort "$((SSH_PORT + 2000))"
[ -n "${ROUTER_LISTEN:-}" ] && set_prop org.dockerera.router.builtin.cfg listenHost "$ROUTER_LISTEN"
# HTTPS (8443 unless ROUTER_HTTPS_PORT says otherwise; -1: none): another port when it shares a machine
set_prop org.dockerera.router.builtin.cfg httpsPort "${ROUTER_HTTPS_PORT:-8443}"
"$DIR/bin/start"
say "router-only dockerera starting in $DIR: router on port $ROUTER_PORT, fed by $URL (log: $DIR/data/log/karaf.log)"
