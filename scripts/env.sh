#!/usr/bin/env bash
# The test environment in one command: a registry, N plain Docker hosts (2..N+1), one TLS host (9) and the testapp
# images in the registry, described in $DOCKERERA_ENV/env.properties for the Java tests.
#
#   env.sh up [N]       N plain hosts, default 3 (at most 6: index 9 is the TLS host; DOCKERERA_TLS_HOST moves it)
#   env.sh down         stop everything, including containers that outlived a kill -9 of their daemon
#   env.sh down --purge also delete $DOCKERERA_ENV (registry storage, certificates, build cache)
#
# DOCKERERA_ENV (default /tmp/dockerera-env) holds everything. `up` is idempotent: running hosts are kept, hosts
# beyond N are taken down, images are rebuilt only when testapp/ changed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

TLS_HOST=${DOCKERERA_TLS_HOST:-9}
REGISTRY=${REGISTRY_ADDR:-127.0.0.1:5000}
PROPS=$DOCKERERA_ENV/env.properties
HOSTS_SH=$SCRIPTS_DIR/docker-hosts.sh

up() {
    local n=${1:-3} start
    start=$(date +%s%N)
    [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] || die "the number of hosts must be a positive integer, got '$n'"
    local plain=() i
    for ((i = 2; i <= n + 1; i++)); do plain+=("$i"); done
    for i in "${plain[@]}"; do [ "$i" != "$TLS_HOST" ] || die "host $i would be both plain and TLS: use at most $((TLS_HOST - 2)) hosts or set DOCKERERA_TLS_HOST"; done

    local had_apache=1
    dpkg -s apache2 >/dev/null 2>&1 || had_apache=0
    ensure_packages docker.io docker-registry busybox-static gcc libc6-dev openssl curl iproute2 iptables redis-server haproxy apache2 \
        chromium chromium-driver
    # installing apache2 starts the system's httpd on port 80 (and enables it at boot); the tests run httpds of their
    # own, so one we just installed is stopped and disabled (an apache2 that was there before is left alone)
    [ "$had_apache" = 1 ] || quiet_system_apache
    mkdir -p "$DOCKERERA_ENV"
    rm -f "$PROPS" # written again only once everything is up

    # hosts from an earlier, larger `up` go away
    local d h stale=()
    for d in "$DOCKERERA_ENV"/h[0-9]*; do
        [ -d "$d" ] || continue
        h=${d##*/h}
        [[ " ${plain[*]} $TLS_HOST " == *" $h "* ]] || stale+=("$h")
    done
    [ ${#stale[@]} -eq 0 ] || "$HOSTS_SH" down "${stale[@]}"

    # registry, plain hosts and the TLS host start in parallel
    local pids=() names=() rc=0
    "$SCRIPTS_DIR/registry.sh" up & pids+=($!); names+=(registry)
    "$HOSTS_SH" up "${plain[@]}" & pids+=($!); names+=("hosts ${plain[*]}")
    "$HOSTS_SH" up-tls "$TLS_HOST" & pids+=($!); names+=("TLS host $TLS_HOST")
    for i in "${!pids[@]}"; do wait "${pids[$i]}" || { echo "env.sh: ${names[$i]} failed" >&2; rc=1; }; done
    [ $rc -eq 0 ] || die "environment not up (see the messages above; 'env.sh down' cleans up)"

    "$SCRIPTS_DIR/test-images.sh" "unix://$DOCKERERA_ENV/h${plain[0]}/docker.sock"

    local tls=$DOCKERERA_ENV/tls tmp=$PROPS.tmp
    {
        echo "# written by scripts/env.sh up $n on $(date -Is)"
        echo "env.root=$DOCKERERA_ENV"
        echo "scripts.dir=$SCRIPTS_DIR"
        echo "hosts.script=$HOSTS_SH"
        echo "hosts.plain=$(IFS=,; echo "${plain[*]}")"
        for i in "${plain[@]}"; do
            echo "hosts.unix.$i=unix://$DOCKERERA_ENV/h$i/docker.sock"
            echo "hosts.tcp.$i=tcp://127.0.0.$i:2375"
            echo "hosts.ip.$i=127.0.0.$i"
        done
        echo "tls.hosts=$TLS_HOST"
        echo "hosts.tls.$TLS_HOST=tcp://127.0.0.$TLS_HOST:2376"
        echo "tls.unix.$TLS_HOST=unix://$DOCKERERA_ENV/h$TLS_HOST/docker.sock" # local admin socket, e.g. for cleanup
        echo "hosts.ip.$TLS_HOST=127.0.0.$TLS_HOST"
        echo "tls.dir=$tls"
        echo "tls.ca=$tls/ca.pem"
        echo "tls.cert=$tls/cert.pem"
        echo "tls.key=$tls/key.pem"
        echo "tls.key.pkcs1=$tls/key-rsa.pem"
        echo "registry=$REGISTRY"
        echo "registry.url=http://$REGISTRY"
        echo "image.v1=$REGISTRY/testapp:v1"
        echo "image.v2=$REGISTRY/testapp:v2"
        echo "image.broken=$REGISTRY/testapp:broken"
        echo "image.port=8080"
    } >"$tmp"
    mv "$tmp" "$PROPS"
    say "environment up in $((($(date +%s%N) - start) / 1000000)) ms: $PROPS"
}

# quiet_system_apache: stops and disables the system's apache2 service (with or without systemd).
quiet_system_apache() {
    local svc
    for svc in apache2 apache-htcacheclean; do
        if [ -d /run/systemd/system ]; then
            systemctl disable --now "$svc" >/dev/null 2>&1 || true
        else
            service "$svc" stop >/dev/null 2>&1 || true
            update-rc.d "$svc" disable >/dev/null 2>&1 || true
        fi
    done
}

down() {
    local purge=${1:-}
    "$HOSTS_SH" down-all
    "$SCRIPTS_DIR/registry.sh" down
    # anything of this environment that outlived its state directory (e.g. deleted by hand while running)
    local p left=()
    for p in $(pids_matching "$DOCKERERA_ENV/"); do
        case $(cat /proc/"$p"/comm 2>/dev/null) in
            containerd-shim*) mapfile -t -O "${#left[@]}" left < <(descendants "$p"); left+=("$p") ;; # containers first
            dockerd | containerd | docker-proxy | docker-registry) left+=("$p") ;;
        esac
    done
    if [ ${#left[@]} -gt 0 ]; then
        say "stopping leftover processes ${left[*]}"
        stop_pids 5 "${left[@]}"
    fi
    rm -f "$PROPS"
    if [ "$purge" = --purge ]; then
        unmount_under "$DOCKERERA_ENV"
        rm -rf "$DOCKERERA_ENV"
        say "removed $DOCKERERA_ENV"
    fi
    say "environment down"
}

case ${1:-} in
    up) shift; [ $# -le 1 ] || die "usage: env.sh up [N]"; up "$@" ;;
    down) shift; [ $# -eq 0 ] || [ "$1" = --purge ] || die "usage: env.sh down [--purge]"; down "$@" ;;
    *) die "usage: env.sh up [N] | down [--purge]" ;;
esac
