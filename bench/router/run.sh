#!/usr/bin/env bash
# The built-in router and the HAProxy router backend vs nginx, proxying to the same C backend (testapp,
# LOG_REQUESTS=0) on this machine, in one run: wrk -t2 -cCONN -dDURs with keep-alive and with "Connection: close"
# (a new client connection per request), ROUNDS rounds in rotating order; prints req/s and p50/p99 of each and the
# router/nginx ratios (min/median/max over the rounds). Each proxy gets one worker/event loop/thread.
#   bench/router/run.sh [ROUNDS=3] [DURATION=10] [CONNECTIONS=50]
#   (after mvn install of bundles/api, bundles/router-builtin and bundles/router-haproxy; needs haproxy installed)
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${1:-3}; DUR=${2:-10}; CONN=${3:-50}
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
command -v nginx >/dev/null || { apt-get install -y -qq nginx-light >/dev/null || apt-get install -y -qq nginx >/dev/null; }
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
work=$(mktemp -d /tmp/dockerera-bench-router.XXXXXX)
pids=()
cleanup() { s=$?; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; if [ $s -ne 0 ]; then echo "bench failed ($s); logs:"; tail -n 20 "$work"/*.log; fi; rm -rf "$work"; }
trap cleanup EXIT

command -v haproxy >/dev/null || { apt-get install -y -qq haproxy >/dev/null; }
BACKEND=19001 NGINX=19080 ROUTER=19081 HAPROXY=19082
gcc -O2 -pthread -o "$work/testapp" ../../testapp/server.c
PORT=$BACKEND LOG_REQUESTS=0 VERSION=bench "$work/testapp" >"$work/backend.log" 2>&1 & pids+=($!)

mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream app { server 127.0.0.1:$BACKEND; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g 'daemon off;' & pids+=($!)

mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt >"$work/mvn.log" 2>&1
java -Xms256m -Xmx512m -Dio.netty.leakDetection.level=disabled -cp "target/classes:$(cat target/cp.txt)" \
    org.dockerera.router.builtin.internal.RouterBenchMain $ROUTER 1 127.0.0.1:$BACKEND >"$work/router.log" 2>&1 & pids+=($!)
java -Xmx128m -cp "target/classes:$(cat target/cp.txt)" \
    org.dockerera.router.haproxy.internal.HaproxyBenchMain $HAPROXY 1 127.0.0.1:$BACKEND >"$work/haproxy.log" 2>&1 & pids+=($!)
for port in $BACKEND $NGINX $ROUTER $HAPROXY; do
    for _ in $(seq 100); do curl -s -o /dev/null -H 'Host: bench.test' "http://127.0.0.1:$port/" && break; sleep 0.1; done
done
# warm-up: the JIT, pools, connections (a fresh JVM runs much slower for its first seconds)
wrk -t2 -c$CONN -d5s -H 'Host: bench.test' "http://127.0.0.1:$ROUTER/" >/dev/null
wrk -t2 -c$CONN -d2s -H 'Host: bench.test' "http://127.0.0.1:$NGINX/" >/dev/null
wrk -t2 -c$CONN -d2s -H 'Host: bench.test' "http://127.0.0.1:$HAPROXY/" >/dev/null

run() { # port extra-header -> "rps p50ms p99ms"
    local out; out=$(wrk -t2 -c$CONN -d${DUR}s --latency -H 'Host: bench.test' ${2:+-H "$2"} "http://127.0.0.1:$1/")
    local rps p50 p99
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
    echo "$rps $(ms "$p50") $(ms "$p99")"
}
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us/,"",v); print v/1000 } else if (v ~ /ms$/) { sub(/ms/,"",v); print v } else if (v ~ /s$/) { sub(/s/,"",v); print v*1000 } else print v }'; }

echo "backend testapp (C), nginx $(nginx -v 2>&1 | sed 's/.*\///') (1 worker), built-in router (Netty, 1 event loop),"
echo "HAProxy $(haproxy -v | awk 'NR==1 {print $3}') as dockerera renders it (nbthread 1); wrk -t2 -c$CONN -d${DUR}s, $ROUNDS rounds"
summary() { # label values...
    local label=$1; shift
    printf '%s\n' "$@" | sort -n | awk -v l="$label" '{a[NR]=$1} END {printf "%-28s min %s  median %s  max %s\n", l, a[1], a[int((NR+1)/2)], a[NR]}'
}
for mode in keepalive close; do
    hdr=""; [ $mode = close ] && hdr="Connection: close"
    br=(); bp=(); hr=(); hp=()
    echo; echo "== $mode =="
    for r in $(seq "$ROUNDS"); do
        case $(( r % 3 )) in
            1) n=$(run $NGINX "$hdr"); b=$(run $ROUTER "$hdr"); h=$(run $HAPROXY "$hdr") ;;
            2) b=$(run $ROUTER "$hdr"); h=$(run $HAPROXY "$hdr"); n=$(run $NGINX "$hdr") ;;
            0) h=$(run $HAPROXY "$hdr"); n=$(run $NGINX "$hdr"); b=$(run $ROUTER "$hdr") ;;
        esac
        read -r nr n50 n99 <<<"$n"; read -r b_r b50 b99 <<<"$b"; read -r h_r h50 h99 <<<"$h"
        br+=("$(awk -v a="$b_r" -v b="$nr" 'BEGIN { printf "%.2f", a/b }')")
        bp+=("$(awk -v a="$b99" -v b="$n99" 'BEGIN { printf "%.2f", a/b }')")
        hr+=("$(awk -v a="$h_r" -v b="$nr" 'BEGIN { printf "%.2f", a/b }')")
        hp+=("$(awk -v a="$h99" -v b="$n99" 'BEGIN { printf "%.2f", a/b }')")
        printf 'round %d  nginx %7.0f req/s p50 %5.2f p99 %5.2f ms | builtin %7.0f req/s p50 %5.2f p99 %5.2f ms | haproxy %7.0f req/s p50 %5.2f p99 %5.2f ms\n' \
            "$r" "$nr" "$n50" "$n99" "$b_r" "$b50" "$b99" "$h_r" "$h50" "$h99"
    done
    summary "builtin/nginx req/s" "${br[@]}"; summary "builtin/nginx p99" "${bp[@]}"
    summary "haproxy/nginx req/s" "${hr[@]}"; summary "haproxy/nginx p99" "${hp[@]}"
done

echo; echo "== memory =="
java -Xms64m -Xmx512m -Dio.netty.leakDetection.level=disabled -cp "target/classes:$(cat target/cp.txt)" \
    org.dockerera.router.builtin.internal.RouterMemoryMain 1000 3
