#!/usr/bin/env bash
# Makes sure a local default Docker daemon answers on unix:///var/run/docker.sock. If none does, starts one in the
# background with loopback-safe flags (published ports on 127.0.0.1, no iptables/NAT/forwarding changes, its own
# bridge dkr1 10.99.1.1/24), logging to /var/log/dockerera-dockerd.log, and waits for it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SOCK=/var/run/docker.sock
PIDFILE=/var/run/docker.pid
LOG=/var/log/dockerera-dockerd.log

if ping_unix "$SOCK"; then
    say "a Docker daemon already answers on $SOCK"
    exit 0
fi
ensure_packages docker.io iproute2 iptables curl

pid=$(cat "$PIDFILE" 2>/dev/null || true)
if alive "$pid" && [ "$(cat /proc/"$pid"/comm)" = dockerd ]; then
    say "dockerd (pid $pid) is starting; waiting for it"
else
    rm -f "$PIDFILE"
    ensure_bridge dkr1 10.99.1.1/24
    echo "--- $(date '+%F %T') starting dockerd" >>"$LOG"
    setsid dockerd -H "unix://$SOCK" --pidfile "$PIDFILE" -b dkr1 --ip 127.0.0.1 \
        --iptables=false --ip-masq=false --ip-forward=false --userland-proxy=true \
        --default-address-pool base=10.101.0.0/16,size=24 >>"$LOG" 2>&1 </dev/null &
    pid=$!
fi
deadline=$((SECONDS + 30))
until ping_unix "$SOCK"; do
    if ! alive "$pid"; then
        tail -n 5 "$LOG" >&2
        die "dockerd exited at start (log: $LOG)"
    fi
    [ $SECONDS -lt $deadline ] || die "dockerd did not answer on $SOCK within 30 s (log: $LOG)"
    sleep 0.05
done
say "local Docker daemon up on $SOCK (log: $LOG)"
