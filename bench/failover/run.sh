#!/usr/bin/env bash
# Controller failover: two distributions sharing one redis-server of the bench's own (127.0.0.1, a free port, AOF
# fsync always). Each round kill -9s the active controller and times until the other one answers
# GET /api/controller with role "active" (polled every 20 ms), then restarts the killed one as the new standby.
# Prints each round, then min/median/max and the ratio to the lease (a standby may take over only after it has seen
# the same lease version for a whole lease period, so the floor is one lease).
#   bench/failover/run.sh [ROUNDS=5]     (after mvn install: uses karaf-assembly/target/*.tar.gz)
#   LEASE_MS=4000 bench/failover/run.sh  (default: the distribution's lease.ms, 10000)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
lease=${LEASE_MS:-10000}
tarball=$(ls karaf-assembly/target/dockerera-karaf-*.tar.gz | head -1)
work=$(mktemp -d /tmp/dockerera-failover.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
setprop() { # file key value
  if grep -qE "^\s*$2\s*[=:]" "$1" 2>/dev/null; then sed -i -E "s|^\s*$2\s*[=:].*|$2 = $3|" "$1"; else echo "$2 = $3" >> "$1"; fi
}
cleanup() {
  pkill -9 -f -- "$work/" 2>/dev/null || true   # both Karaf JVMs and their bin/karaf wrappers
  sleep 1
  [ -n "${redis_pid:-}" ] && kill "$redis_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

redis_port=$(free_port)
mkdir -p "$work/redis"
redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work/redis" --appendonly yes --appendfsync always \
  --save "" --logfile redis.log --daemonize no > /dev/null 2>&1 &
redis_pid=$!

declare -A http
for d in a b; do
  mkdir -p "$work/$d" && tar -xzf "$tarball" -C "$work/$d" --strip-components=1
  etc="$work/$d/etc"
  http[$d]=$(free_port)
  setprop "$etc/org.ops4j.pax.web.cfg" org.osgi.service.http.port "${http[$d]}"
  setprop "$etc/org.apache.karaf.shell.cfg" sshPort "$(free_port)"
  setprop "$etc/org.apache.karaf.management.cfg" rmiRegistryPort "$(free_port)"
  setprop "$etc/org.apache.karaf.management.cfg" rmiServerPort "$(free_port)"
  setprop "$etc/org.dockerera.controller.cfg" autoRegisterLocal false
  setprop "$etc/org.dockerera.controller.cfg" lease.ms "$lease"
  setprop "$etc/org.dockerera.router.builtin.cfg" listenHost 127.0.0.1
  setprop "$etc/org.dockerera.router.builtin.cfg" port "$(free_port)"
  setprop "$etc/org.dockerera.router.builtin.cfg" httpsPort "$(free_port)"
  setprop "$etc/org.dockerera.store.redis.cfg" uri "redis://127.0.0.1:$redis_port"
  setprop "$etc/org.dockerera.store.cfg" backend redis
  sed -i 's|    dockerera/0.1.0.SNAPSHOT, \\|    dockerera/0.1.0.SNAPSHOT, \\\n    dockerera-store-redis/0.1.0.SNAPSHOT, \\|' \
    "$etc/org.apache.karaf.features.cfg"
done

token=""
role() { # dist -> active|standby|"" (not answering)
  curl -s -m 2 -H "Authorization: Bearer $token" "http://127.0.0.1:${http[$1]}/api/controller" 2>/dev/null \
    | python3 -c 'import json,sys
try: print(json.load(sys.stdin).get("role",""))
except Exception: print("")' 2>/dev/null || true
}
wait_role() { # dist role timeout_s
  local end=$(( $(date +%s) + $3 ))
  until [ "$(role "$1")" = "$2" ]; do
    [ "$(date +%s)" -lt "$end" ] || { echo "timeout waiting for $1 to be $2" >&2; exit 1; }
    sleep 0.2
  done
}

"$work/a/bin/start"
until [ -s "$work/a/data/dockerera/admin.token" ]; do sleep 0.5; done
token=$(tr -d '\n' < "$work/a/data/dockerera/admin.token")
wait_role a active 120
cp "$work/a/etc/dockerera.key" "$work/b/etc/dockerera.key"
"$work/b/bin/start"
wait_role b standby 120

active=a; standby=b
results=()
for r in $(seq 1 "$rounds"); do
  pid=$(pgrep -f -- "-Dkaraf.home=$work/$active( |$)" | head -1)
  t0=$(date +%s%N)
  kill -9 "$pid"
  until [ "$(role "$standby")" = active ]; do sleep 0.02; done
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
  results+=("$ms")
  echo "round $r: kill -9 of $active -> $standby active in $ms ms"
  while pgrep -f -- "-Dkaraf.home=$work/$active( |$)" > /dev/null; do sleep 0.1; done
  "$work/$active/bin/start"
  wait_role "$active" standby 120
  tmp=$active; active=$standby; standby=$tmp
done

printf '%s\n' "${results[@]}" | sort -n | awk -v lease="$lease" '
  { v[NR] = $1 }
  END {
    med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "failover (lease %d ms, %d rounds): min %d ms, median %d ms, max %d ms; median / lease = %.2f\n",
      lease, NR, v[1], med, v[NR], med / lease
  }'
