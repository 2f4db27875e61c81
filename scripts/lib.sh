# Shared helpers for the test-environment scripts (sourced, not run).
# shellcheck shell=bash

DOCKERERA_ENV=${DOCKERERA_ENV:-/tmp/dockerera-env}
export DOCKERERA_ENV
SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this file
ROOT_DIR=$(dirname "$SCRIPTS_DIR")

die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }
say() { printf '==> %s\n' "$*" >&2; }

[ "$(id -u)" = 0 ] || die "run as root: it starts Docker daemons and creates bridges"

# ensure_packages PKG...: apt-installs the packages that are missing (apt-get update only if one is).
ensure_packages() {
    local need=() p
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
    [ ${#need[@]} -eq 0 ] && return 0
    say "installing ${need[*]}"
    apt-get update -qq >/dev/null || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
        || die "apt-get install ${need[*]} failed"
}

# wait_until TIMEOUT_S CMD...: polls CMD every 50 ms until it succeeds; fails after TIMEOUT_S.
wait_until() {
    local timeout=$1; shift
    local deadline=$((SECONDS + timeout))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.05
    done
}

# alive PID: true if the process exists and is not a zombie.
alive() {
    [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] || return 1
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ "$state" != Z ]
}

# pids_matching STRING: pids with a command-line argument containing STRING; pids_with_arg ARG: with exactly ARG.
pids_matching() { _pids_grep -F -- "$1"; }
pids_with_arg() { _pids_grep -xF -- "$1"; }
_pids_grep() {
    local f pid
    # shellcheck disable=SC2013 # /proc paths have no spaces
    for f in $(grep -lz "$@" /proc/[0-9]*/cmdline 2>/dev/null); do
        pid=${f#/proc/}; pid=${pid%/cmdline}
        [ "$pid" = "$$" ] || [ "$pid" = "${BASHPID:-}" ] || echo "$pid"
    done
}

# descendants PID: every descendant of PID, deepest first (from /proc/*/stat: /proc/PID/task/*/children is not
# available on every kernel).
descendants() {
    local f line
    for f in /proc/[0-9]*/stat; do
        read -r line <"$f" 2>/dev/null || continue
        line=${line##*) } # skip "pid (comm) ": comm may hold spaces
        # shellcheck disable=SC2086 # split into stat fields on purpose
        set -- $line
        printf '%s %s\n' "${f//[^0-9]/}" "$2"
    done 2>/dev/null | awk -v root="$1" '
        { kids[$2] = kids[$2] " " $1 }
        function walk(p,   n, a, i) { n = split(kids[p], a, " "); for (i = 1; i <= n; i++) { walk(a[i]); print a[i] } }
        END { walk(root) }'
}

# stop_pids TIMEOUT_S PID...: SIGTERM, wait up to TIMEOUT_S, then SIGKILL whatever is left.
stop_pids() {
    local timeout=$1; shift
    [ $# -gt 0 ] || return 0
    kill -TERM "$@" 2>/dev/null || true
    local deadline=$((SECONDS + timeout)) p left
    while :; do
        left=()
        for p in "$@"; do alive "$p" && left+=("$p"); done
        [ ${#left[@]} -eq 0 ] && return 0
        [ $SECONDS -lt $deadline ] || break
        sleep 0.05
    done
    kill -KILL "${left[@]}" 2>/dev/null || true
    for p in "${left[@]}"; do
        for _ in $(seq 1 100); do alive "$p" || break; sleep 0.02; done
    done
}

# ping_unix SOCKET: the Docker API answers on the unix socket.
ping_unix() { [ "$(curl -fsS -m 2 --unix-socket "$1" http://docker/_ping 2>/dev/null)" = OK ]; }

# ensure_bridge NAME CIDR: a host-local bridge with that address, up; plus the FORWARD rule that lets containers
# on it talk to each other whatever the FORWARD policy.
ensure_bridge() {
    local br=$1 cidr=$2
    ip link show "$br" >/dev/null 2>&1 || ip link add "$br" type bridge || die "cannot create bridge $br"
    ip -4 addr show dev "$br" | grep -qF " $cidr " || ip addr add "$cidr" dev "$br" || die "cannot address $br"
    ip link set "$br" up
    iptables -C FORWARD -i "$br" -o "$br" -j ACCEPT 2>/dev/null || iptables -I FORWARD -i "$br" -o "$br" -j ACCEPT \
        || die "cannot add the FORWARD rule for $br"
}

remove_bridge() {
    local br=$1
    while iptables -C FORWARD -i "$br" -o "$br" -j ACCEPT 2>/dev/null; do iptables -D FORWARD -i "$br" -o "$br" -j ACCEPT; done
    if ip link show "$br" >/dev/null 2>&1; then ip link del "$br" || true; fi
}

# unmount_under DIR: lazily unmounts everything mounted below DIR (overlays, netns binds), deepest first.
unmount_under() {
    local dir m
    dir=$(realpath -m "$1")
    awk -v d="$dir/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do
        umount -l "$m" 2>/dev/null || true
    done
}
