#!/usr/bin/env bash
# Cold boot of the assembled distribution: bin/start to GET /api/health = 200, and the JVM's RSS once booted.
# Reference in the same run: a stock Karaf 4.4.10 (same JVM, same machine) from bin/start to its SSH port answering.
#
#   bench/boot.sh [RUNS=5]
# Needs: mvn install done (karaf-assembly/target/*.tar.gz) and the stock tarball in ~/.m2 (itests depend on it).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
DIST=$(ls karaf-assembly/target/dockerera-karaf-*.tar.gz | head -n1)
STOCK=$(ls ~/.m2/repository/org/apache/karaf/apache-karaf/4.4.10/apache-karaf-4.4.10.tar.gz)
WORK=$(mktemp -d /tmp/dockerera-boot.XXXXXX)
trap 'for d in "$WORK"/*/; do [ -x "$d/bin/stop" ] && "$d/bin/stop" >/dev/null 2>&1 || true; done; pkill -9 -f "karaf.home=$WORK" || true; rm -rf "$WORK"' EXIT
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}

now_ms() { date +%s%3N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
setprop() { # file key value
    if grep -qE "^\s*$2\s*=" "$1" 2>/dev/null; then sed -i -E "s|^\s*$2\s*=.*|$2 = $3|" "$1"; else echo "$2 = $3" >> "$1"; fi
}
rss_mb() { # pid -> MiB
    awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$1/status"
}
karaf_pid() { pgrep -f -- "-Dkaraf.home=$1( |$)" | head -n1; }

stats() { sort -n | awk '{a[NR]=$1} END {printf "min %s  median %s  max %s", a[1], (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), a[NR]}'; }

boot_dockerera() {
    local dir=$WORK/d$1; mkdir -p "$dir"; tar xzf "$DIST" -C "$dir" --strip-components=1
    local http; http=$(free_port)
    setprop "$dir/etc/org.ops4j.pax.web.cfg" org.osgi.service.http.port "$http"
    setprop "$dir/etc/org.apache.karaf.shell.cfg" sshPort "$(free_port)"
    setprop "$dir/etc/org.apache.karaf.management.cfg" rmiRegistryPort "$(free_port)"
    setprop "$dir/etc/org.apache.karaf.management.cfg" rmiServerPort "$(free_port)"
    setprop "$dir/etc/org.dockerera.controller.cfg" autoRegisterLocal false
    local t0; t0=$(now_ms)
    "$dir/bin/start"
    until curl -fs "http://127.0.0.1:$http/api/health" >/dev/null 2>&1; do
        [ $(( $(now_ms) - t0 )) -gt 120000 ] && { echo "no health after 120 s" >&2; exit 1; }
        sleep 0.05
    done
    local t=$(( $(now_ms) - t0 ))
    sleep 5   # let boot-time background work settle before reading RSS
    local rss; rss=$(rss_mb "$(karaf_pid "$dir")")
    "$dir/bin/stop"; while [ -n "$(karaf_pid "$dir")" ]; do sleep 0.2; done
    echo "$t $rss"
}

boot_stock() {
    local dir=$WORK/s$1; mkdir -p "$dir"; tar xzf "$STOCK" -C "$dir" --strip-components=1
    local ssh; ssh=$(free_port)
    setprop "$dir/etc/org.apache.karaf.shell.cfg" sshPort "$ssh"
    setprop "$dir/etc/org.apache.karaf.management.cfg" rmiRegistryPort "$(free_port)"
    setprop "$dir/etc/org.apache.karaf.management.cfg" rmiServerPort "$(free_port)"
    local t0; t0=$(now_ms)
    "$dir/bin/start"
    until (exec 3<>/dev/tcp/127.0.0.1/$ssh) 2>/dev/null; do
        [ $(( $(now_ms) - t0 )) -gt 120000 ] && { echo "stock karaf: no ssh after 120 s" >&2; exit 1; }
        sleep 0.05
    done
    local t=$(( $(now_ms) - t0 ))
    sleep 5
    local rss; rss=$(rss_mb "$(karaf_pid "$dir")")
    "$dir/bin/stop"; while [ -n "$(karaf_pid "$dir")" ]; do sleep 0.2; done
    echo "$t $rss"
}

: > "$WORK/d.txt"; : > "$WORK/s.txt"
for i in $(seq 1 "$RUNS"); do     # interleaved, so drift hits both alike
    boot_dockerera "$i" | tee -a "$WORK/d.txt" | sed 's/^/dockerera boot_ms rss_mib: /'
    boot_stock "$i" | tee -a "$WORK/s.txt" | sed 's/^/stock karaf boot_ms rss_mib: /'
done
echo
echo "dockerera  bin/start -> /api/health 200 (ms): $(cut -d' ' -f1 "$WORK/d.txt" | stats)"
echo "dockerera  RSS after boot (MiB):              $(cut -d' ' -f2 "$WORK/d.txt" | stats)"
echo "stock Karaf bin/start -> ssh port (ms):       $(cut -d' ' -f1 "$WORK/s.txt" | stats)"
echo "stock Karaf RSS after boot (MiB):             $(cut -d' ' -f2 "$WORK/s.txt" | stats)"
paste -d' ' "$WORK/d.txt" "$WORK/s.txt" | awk '{print $1/$3}' | stats | sed 's/^/boot time ratio dockerera\/stock: /'; echo
