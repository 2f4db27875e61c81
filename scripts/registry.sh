#!/usr/bin/env bash
# A local Docker registry (Debian's docker-registry 2.8) on 127.0.0.1:5000, storage in $DOCKERERA_ENV/registry.
# Docker daemons treat 127.0.0.0/8 registries as insecure by default: no daemon flag needed.
#
#   registry.sh up      start it if it is not running; wait until /v2/ answers
#   registry.sh down    stop it (the stored images stay for the next `up`)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ADDR=${REGISTRY_ADDR:-127.0.0.1:5000}
DIR=$DOCKERERA_ENV/registry
PIDFILE=$DIR/pid

answers() { curl -fs -m 2 -o /dev/null "http://$ADDR/v2/"; }
our_pid() {
    local p
    p=$(cat "$PIDFILE" 2>/dev/null) && alive "$p" && [ "$(cat /proc/"$p"/comm)" = docker-registry ] && echo "$p"
}

up() {
    command -v docker-registry >/dev/null || die "docker-registry not found: apt-get install docker-registry"
    local pid
    if pid=$(our_pid); then
        wait_until 15 answers || die "registry (pid $pid) does not answer on $ADDR (log: $DIR/registry.log)"
        return 0
    fi
    answers && die "$ADDR is already served by a registry that is not ours (pidfile $PIDFILE): stop it first"
    mkdir -p "$DIR/data"
    cat >"$DIR/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $DIR/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $ADDR
EOF
    setsid docker-registry serve "$DIR/config.yml" >>"$DIR/registry.log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PIDFILE"
    local deadline=$((SECONDS + 15))
    until answers; do
        if ! alive "$pid"; then
            tail -n 5 "$DIR/registry.log" >&2
            die "docker-registry exited at start (log: $DIR/registry.log)"
        fi
        [ $SECONDS -lt $deadline ] || die "registry did not answer on $ADDR within 15 s (log: $DIR/registry.log)"
        sleep 0.05
    done
    say "registry up on $ADDR"
}

down() {
    local pid
    if pid=$(our_pid); then stop_pids 5 "$pid"; fi
    rm -f "$PIDFILE"
    say "registry down"
}

case ${1:-} in
    up) up ;;
    down) down ;;
    *) die "usage: registry.sh up|down" ;;
esac
