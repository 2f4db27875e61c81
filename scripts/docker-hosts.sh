#!/usr/bin/env bash
# Several Docker hosts on one machine: host N (2..155) is its own dockerd on loopback address 127.0.0.N, with its
# own bridge dkrN (10.99.N.1/24), data and exec roots, containerd and socket under $DOCKERERA_ENV/hN.
#
#   docker-hosts.sh up N [N...]   plain hosts: unix://$DOCKERERA_ENV/hN/docker.sock and tcp://127.0.0.N:2375
#   docker-hosts.sh up-tls N      TLS host: tcp://127.0.0.N:2376 with --tlsverify (plus the local unix socket);
#                                 CA and certs in $DOCKERERA_ENV/tls (client: ca.pem cert.pem key.pem, key in PKCS#8)
#   docker-hosts.sh stop N        kill -9 the daemon (host failure: its containers keep running in containerd)
#   docker-hosts.sh start N       restart a stopped host with the same settings (without --live-restore it then
#                                 stops the containers that survived)
#   docker-hosts.sh down N [N...] stop the host, kill what is left of it (containerd, shims, containers, proxies),
#                                 remove its bridge and FORWARD rule and its state directory
#   docker-hosts.sh down-all      down every host under $DOCKERERA_ENV
#   docker-hosts.sh status        one line per host
#
# DOCKERD_EXTRA_ARGS (e.g. --live-restore) is passed to dockerd at `up` and kept for `start`.
# Loopback-safe: --iptables=false --ip-masq=false --ip-forward=false, published ports on 127.0.0.N through the
# userland proxy, user-defined networks from 10.(100+N).0.0/16.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

TLS_DIR=$DOCKERERA_ENV/tls
START_TIMEOUT=${START_TIMEOUT:-30}

host_dir() { echo "$DOCKERERA_ENV/h$1"; }

check_index() {
    [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 2 ] && [ "$1" -le 155 ] || die "host index must be 2..155, got '$1'"
}

# daemon_pids N: the dockerd of host N (found by its --pidfile argument, so a lost pidfile does not matter).
daemon_pids() {
    local p
    for p in $(pids_with_arg "$(host_dir "$1")/pid"); do
        [ "$(cat /proc/"$p"/comm 2>/dev/null)" = dockerd ] && echo "$p"
    done
    return 0
}

# ensure_tls N: CA, client cert/key and a server cert for 127.0.0.N (each made once).
ensure_tls() {
    local n=$1
    mkdir -p "$TLS_DIR"
    (
        cd "$TLS_DIR"
        umask 077
        if [ ! -s ca.pem ] || [ ! -s ca-key.pem ]; then
            rm -f ./*.pem ./*.srl
            openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=dockerera test CA" \
                -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
                -keyout ca-key.pem -out ca.pem 2>/dev/null || die "openssl: cannot create the CA"
        fi
        # issue NAME CN EXTENSIONS: NAME-key.pem (PKCS#8) and NAME-cert.pem signed by the CA
        issue() {
            openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1-key.pem" 2>/dev/null
            openssl req -new -key "$1-key.pem" -subj "/CN=$2" -out "$1.csr" 2>/dev/null
            printf '%s\n' "$3" >"$1.ext"
            openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -sha256 -days 3650 \
                -extfile "$1.ext" -out "$1-cert.pem" 2>/dev/null || die "openssl: cannot sign $1"
            rm -f "$1.csr" "$1.ext"
        }
        if [ ! -s cert.pem ] || [ ! -s key.pem ]; then
            issue client dockerera-client "extendedKeyUsage=clientAuth"
            mv client-cert.pem cert.pem
            mv client-key.pem key.pem # PKCS#8 ("BEGIN PRIVATE KEY"): what Java's PKCS8EncodedKeySpec reads
            openssl rsa -in key.pem -traditional -out key-rsa.pem 2>/dev/null # PKCS#1 for older tools
        fi
        if [ ! -s "server-$n-cert.pem" ]; then
            issue "server-$n" "127.0.0.$n" \
                "$(printf 'extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.%s,IP:127.0.0.1,DNS:localhost' "$n")"
        fi
        chmod 644 ./*-cert.pem cert.pem ca.pem
    )
}

# launch N: starts host N's dockerd in the background per its saved mode; waiting is separate (wait_up).
launch() {
    local n=$1 dir mode extra
    dir=$(host_dir "$n")
    mode=$(cat "$dir/mode")
    extra=$(cat "$dir/extra-args" 2>/dev/null || true)
    local args=(
        -H "unix://$dir/docker.sock"
        --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/pid"
        -b "dkr$n" --ip "127.0.0.$n"
        --iptables=false --ip-masq=false --ip-forward=false --userland-proxy=true
        --default-address-pool "base=10.$((100 + n)).0.0/16,size=24"
        # own namespaces: containers stay apart even if the daemons ever share the machine's containerd
        --containerd-namespace "dockerera-h$n" --containerd-plugins-namespace "dockerera-h$n-plugins"
    )
    if [ "$mode" = tls ]; then
        args+=(-H "tcp://127.0.0.$n:2376" --tlsverify --tlscacert "$TLS_DIR/ca.pem"
               --tlscert "$TLS_DIR/server-$n-cert.pem" --tlskey "$TLS_DIR/server-$n-key.pem")
    else
        args+=(-H "tcp://127.0.0.$n:2375")
    fi
    # shellcheck disable=SC2206
    [ -n "$extra" ] && args+=($extra)
    # its own engine identity: by default every dockerd derives its ID from the shared /etc/docker/key.json, so
    # all hosts on one machine would report the same engine ID and name
    printf '{"deprecated-key-path": "%s"}\n' "$dir/key.json" >"$dir/daemon.json"
    args+=(--config-file "$dir/daemon.json")
    ensure_bridge "dkr$n" "10.99.$n.1/24"
    rm -f "$dir/pid" "$dir/docker.sock"
    # dockerd reuses a containerd whose pidfile names a process that kill(pid, 0) finds, and a killed daemon's
    # containerd can linger as a zombie when PID 1 reaps slowly (as here): then dockerd waits for a dead socket
    local cpid
    cpid=$(cat "$dir/exec/containerd/containerd.pid" 2>/dev/null || true)
    alive "$cpid" || rm -f "$dir/exec/containerd/containerd.pid"
    echo "--- $(date '+%F %T') dockerd ${args[*]}" >>"$dir/dockerd.log"
    setsid dockerd "${args[@]}" >>"$dir/dockerd.log" 2>&1 </dev/null &
    echo $! >"$dir/launched-pid"
}

# wait_up N: until host N answers on its socket (and over TLS for a TLS host); dies with the log's tail if not.
wait_up() {
    local n=$1 dir pid deadline
    dir=$(host_dir "$n")
    pid=$(cat "$dir/launched-pid" 2>/dev/null || true)
    deadline=$((SECONDS + START_TIMEOUT))
    until ping_unix "$dir/docker.sock"; do
        if [ -n "$pid" ] && ! alive "$pid"; then
            tail -n 5 "$dir/dockerd.log" >&2
            die "host $n: dockerd exited at start (log: $dir/dockerd.log)"
        fi
        [ $SECONDS -lt $deadline ] || die "host $n: dockerd did not answer within ${START_TIMEOUT}s (log: $dir/dockerd.log)"
        sleep 0.05
    done
    if [ "$(cat "$dir/mode")" = tls ]; then
        curl -fsS -m 5 --cacert "$TLS_DIR/ca.pem" --cert "$TLS_DIR/cert.pem" --key "$TLS_DIR/key.pem" \
            "https://127.0.0.$n:2376/_ping" >/dev/null || die "host $n: no TLS answer on 127.0.0.$n:2376"
    fi
    rm -f "$dir/launched-pid"
}

# up MODE N...: starts every listed host that is not running, then waits for all of them.
cmd_up() {
    local mode=$1; shift
    [ $# -gt 0 ] || die "usage: up N [N...] / up-tls N"
    local n dir started=()
    for n in "$@"; do check_index "$n"; done
    for n in "$@"; do
        dir=$(host_dir "$n")
        if [ -n "$(daemon_pids "$n")" ]; then
            [ "$(cat "$dir/mode" 2>/dev/null)" = "$mode" ] || die "host $n already runs in another mode: down $n first"
            daemon_pids "$n" | head -n1 >"$dir/launched-pid"
            started+=("$n") # running (or still starting): just wait for it
            continue
        fi
        if [ -f "$dir/mode" ] && [ "$(cat "$dir/mode")" != "$mode" ]; then
            die "host $n was set up as $(cat "$dir/mode"): down $n first"
        fi
        mkdir -p "$dir"
        echo "$mode" >"$dir/mode"
        printf '%s\n' "${DOCKERD_EXTRA_ARGS:-}" >"$dir/extra-args"
        [ "$mode" = tls ] && ensure_tls "$n"
        launch "$n"
        started+=("$n")
    done
    for n in "${started[@]}"; do wait_up "$n"; done
    say "hosts up: ${started[*]}"
}

cmd_stop() {
    local n=$1 pids
    check_index "$n"
    pids=$(daemon_pids "$n")
    [ -n "$pids" ] || { say "host $n: no daemon running"; return 0; }
    local cpids
    cpids=$(pids_matching "$(host_dir "$n")/exec/containerd/containerd.toml")
    # shellcheck disable=SC2086
    kill -KILL $pids
    # its containerd dies with it (parent-death signal); wait for both
    for p in $pids $cpids; do while alive "$p"; do sleep 0.02; done; done
    say "host $n: dockerd killed (-9); containers keep running until it restarts"
}

cmd_start() {
    local n=$1 dir
    check_index "$n"
    dir=$(host_dir "$n")
    [ -f "$dir/mode" ] || die "host $n was never set up: use 'up $n' or 'up-tls $n'"
    if [ -z "$(daemon_pids "$n")" ]; then
        [ "$(cat "$dir/mode")" = tls ] && ensure_tls "$n"
        launch "$n"
    fi
    wait_up "$n"
    say "host $n started"
}

cmd_down() {
    local n=$1 dir p shims=() others=()
    check_index "$n"
    dir=$(host_dir "$n")
    # shellcheck disable=SC2046
    stop_pids 10 $(daemon_pids "$n")
    # what a killed daemon leaves behind: containerd, its shims and their containers, userland proxies
    # (matched by argument, then by process name, so that no caller whose command line names the path is hit)
    for p in $(pids_with_arg "dockerera-h$n") $(pids_matching "$dir/") $(pids_with_arg "127.0.0.$n"); do
        case $(cat /proc/"$p"/comm 2>/dev/null) in
            containerd-shim*) shims+=("$p") ;;
            containerd | dockerd | docker-proxy | runc) others+=("$p") ;;
        esac
    done
    for p in "${shims[@]}"; do
        # shellcheck disable=SC2046
        kill -KILL $(descendants "$p") 2>/dev/null || true
    done
    stop_pids 2 "${shims[@]}"
    stop_pids 5 "${others[@]}"
    unmount_under "$dir"
    remove_bridge "dkr$n"
    case $dir in "$DOCKERERA_ENV"/h[0-9]*) rm -rf "$dir" ;; esac
    say "host $n down"
}

cmd_status() {
    local d n state
    for d in "$DOCKERERA_ENV"/h[0-9]*; do
        [ -d "$d" ] || continue
        n=${d##*/h}
        if ping_unix "$d/docker.sock"; then state=up
        elif [ -n "$(daemon_pids "$n")" ]; then state=starting
        else state=stopped
        fi
        printf 'host %s %s %s\n' "$n" "$(cat "$d/mode" 2>/dev/null || echo '?')" "$state"
    done
}

hosts_present() {
    local d
    for d in "$DOCKERERA_ENV"/h[0-9]*; do [ -d "$d" ] && echo "${d##*/h}"; done
    return 0
}

command -v dockerd >/dev/null || die "dockerd not found: apt-get install docker.io (or run scripts/env.sh up)"
cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
    up) cmd_up plain "$@" ;;
    up-tls) [ $# -eq 1 ] || die "usage: up-tls N"; cmd_up tls "$1" ;;
    stop) [ $# -eq 1 ] || die "usage: stop N"; cmd_stop "$1" ;;
    start) [ $# -eq 1 ] || die "usage: start N"; cmd_start "$1" ;;
    down) [ $# -gt 0 ] || die "usage: down N [N...]"; for n in "$@"; do cmd_down "$n"; done ;;
    down-all) for n in $(hosts_present); do cmd_down "$n"; done ;;
    status) cmd_status ;;
    *) die "usage: docker-hosts.sh up N [N...] | up-tls N | stop N | start N | down N [N...] | down-all | status" ;;
esac
