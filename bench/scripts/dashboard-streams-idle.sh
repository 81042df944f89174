#!/usr/bin/env bash
# What open dashboards cost an idle hub (docs/benchmarks.md, "Dashboard streams"): the hub's CPU seconds over 60 s
# with N curl viewers on GET /api/stats/stream, after 10 s for them to connect and the JIT to settle.
# Needs the built jar: ./mvnw -DskipTests package -pl idleclaw -am
#   bench/scripts/dashboard-streams-idle.sh 200          200 streams (0 for the baseline)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
n=${1:?usage: dashboard-streams-idle.sh STREAMS}
port=${PORT:-18931}
. "$root/bin/lib-java.sh"
J=$(require_java dashboard-streams-idle)
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$J" -Xmx512m -jar "$root/idleclaw/target/idleclaw.jar" server --port "$port" --data-dir "$work" \
   --rate-limit-default 100000 --max-connections-per-ip 100000 > "$work/hub.log" 2>&1 & hub=$!; pids+=($hub)
until curl -s "http://127.0.0.1:$port/health" > /dev/null; do sleep 0.2; done
for _ in $(seq 1 "$n"); do curl -sN "http://127.0.0.1:$port/api/stats/stream" > /dev/null & pids+=($!); done
sleep 10
cpu() { awk '{print $14 + $15}' "/proc/$hub/stat"; }
a=$(cpu); sleep 60; b=$(cpu)
open=$(ss -tn state established "( sport = :$port )" | tail -n +2 | wc -l)
echo "streams=$n open=$open hub_cpu_seconds_per_60s=$(awk -v d=$((b - a)) -v t="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", d/t}')"
