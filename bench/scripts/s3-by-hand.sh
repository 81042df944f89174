#!/bin/bash
# S3 by hand (docs/benchmarks.md "Registration storm"): the hub jar alone on CPU 0 with S3's raised limits, the
# bench fleet on CPU 1; prints the hub's CPU per registration (from /proc, so other load on the machine does not count),
# registrations/s overall / first 10 s / last 10 s, idle CPU % over IDLE_S after a settle, RSS, and the load average.
# WARM=1 then disconnects the fleet, waits for the hub to drop every node, and times a second storm on the warm hub.
# PERF=1 / PERF2=1 record `perf` on the hub during the first / second storm; pass
# -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit as hub options to name JIT frames.
# Each window's CPU is also split by thread (JIT compiler threads vs Jetty's virtual-thread carriers).
# usage: bench/scripts/s3-by-hand.sh HUB_JAR OUT_DIR [NODES] [IDLE_S] [hub JVM options...]
set -u
JAR=$1; OUT=$2; N=${3:-10000}; IDLE=${4:-60}; shift 4 || true
EXTRA="$*"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAVA=${IDLECLAW_JAVA:-java}
rm -rf $OUT; mkdir -p $OUT/data
U=1000000
taskset -c 0 $JAVA -Xmx512m --enable-native-access=ALL-UNNAMED $EXTRA -jar $JAR server --port 0 --data-dir $OUT/data \
  --rate-limit-chat $U --rate-limit-ws $U --rate-limit-default $U --max-nodes-per-ip 100000 --max-chats-per-ip 100000 \
  --max-connections-per-ip 100000 --queue-size 100000 --queue-timeout 60 --max-response-chars 100000000 > $OUT/hub.log 2>&1 &
HUB=$!; echo $HUB > $OUT/hub.pid
for i in $(seq 100); do URL=$(grep -o 'listening on http://[0-9.]*:[0-9]*' $OUT/hub.log | head -1 | cut -d' ' -f3); [ -n "$URL" ] && break; sleep 0.3; done
echo "hub $HUB at $URL"
tick=$(getconf CLK_TCK)
cpu() { awk -v t=$tick '{print ($14+$15)*1000/t}' /proc/$HUB/stat; }
rss() { awk '/VmRSS/{print $2/1024}' /proc/$HUB/status; }
count() { curl -s $URL/health | grep -o '"node_count":[0-9]*' | cut -d: -f2; }
sleep 2
threads() { for t in /proc/$HUB/task/*; do echo "$(basename $t) $(awk -v k=$tick '{print ($14+$15)*1000/k}' $t/stat) $(tr ' ' _ < $t/comm)"; done 2>/dev/null; }
threads > $OUT/threads0
c0=$(cpu); t0=$(date +%s.%N)
taskset -c 1 $JAVA -Xmx1g --enable-native-access=ALL-UNNAMED -jar $ROOT/bench/target/idleclaw-bench.jar fleet --hub $URL --nodes $N --slots 1 --tokens 1 --delay-ms 0 --heartbeat-s 15 > $OUT/fleet.log 2>&1 &
FLEET=$!; echo $FLEET > $OUT/fleet.pid
[ -n "${PERF:-}" ] && { perf record -F 499 -g -p $HUB -o $OUT/perf.data > $OUT/perf.log 2>&1 & PERFPID=$!; }
: > $OUT/timeline
while true; do n=$(count); t=$(date +%s.%N); echo "$t ${n:-0} $(cpu)" >> $OUT/timeline; [ "${n:-0}" -ge $N ] && break; sleep 0.25; done
c1=$(cpu); t1=$(date +%s.%N)
threads > $OUT/threads1
split() { awk 'NR==FNR{a[$1]=$2;next}{g=$3; sub(/[-#_ ]?[0-9]+$/,"",g); d[g]+=$2-a[$1]; t+=$2-a[$1]}END{for(k in d) if(d[k]>0) printf "  %s %.0f ms (%.0f%%)\n",k,d[k],100*d[k]/t}' $1 $2 | sort -k2 -rn | head -5; }
[ -n "${PERF:-}" ] && { kill -INT $PERFPID; wait $PERFPID; }
awk -v c0=$c0 -v c1=$c1 -v t0=$t0 -v t1=$t1 -v n=$N 'BEGIN{printf "storm %.1f s, hub cpu %.1f s, %.3f ms/registration, %.0f reg/s wall\n", t1-t0, (c1-c0)/1000, (c1-c0)/n, n/(t1-t0)}'
awk -v t0=$t0 -v n=$N 'NR==1{} {t[NR]=$1; c[NR]=$2} END{ # first/last 10 s
  for(i=1;i<=NR;i++){ if(t[i]-t0<=10) f=c[i]; } last=t[NR]; for(i=NR;i>=1;i--){ if(last-t[i]>=10){ l=c[i]; lt=t[i]; break} }
  printf "first 10 s: %d reg (%.0f/s); last 10 s: %.0f/s\n", f, f/10, (c[NR]-l)/(last-lt) }' $OUT/timeline
echo "storm cpu by thread:"; split $OUT/threads0 $OUT/threads1
sleep ${SETTLE:-10}
i0=$(cpu); it0=$(date +%s.%N); l0=$(cut -d' ' -f1 /proc/loadavg)
sleep $IDLE
i1=$(cpu); it1=$(date +%s.%N)
threads > $OUT/threads2
awk -v a=$i0 -v b=$i1 -v s=$it0 -v e=$it1 'BEGIN{printf "idle cpu %.2f %% over %.0f s\n", (b-a)/10/(e-s), e-s}'
echo "rss MB $(rss); nodes $(count); load $(cat /proc/loadavg)"
echo "settle + idle cpu by thread:"; split $OUT/threads1 $OUT/threads2
if [ -n "${WARM:-}" ]; then
  kill $FLEET; wait $FLEET 2>/dev/null
  while [ "$(count)" != "0" ]; do sleep 0.5; done
  sleep 5
  c0=$(cpu); t0=$(date +%s.%N)
  taskset -c 1 $JAVA -Xmx1g --enable-native-access=ALL-UNNAMED -jar $ROOT/bench/target/idleclaw-bench.jar fleet --hub $URL --nodes $N --slots 1 --tokens 1 --delay-ms 0 --heartbeat-s 15 > $OUT/fleet2.log 2>&1 &
  FLEET=$!; echo $FLEET > $OUT/fleet.pid
  [ -n "${PERF2:-}" ] && { perf record -F 499 -g -p $HUB -o $OUT/perf2.data > $OUT/perf2.log 2>&1 & PERFPID=$!; }
  threads > $OUT/threads3
  : > $OUT/timeline2
  while true; do n=$(count); t=$(date +%s.%N); echo "$t ${n:-0} $(cpu)" >> $OUT/timeline2; [ "${n:-0}" -ge $N ] && break; sleep 0.25; done
  c1=$(cpu); t1=$(date +%s.%N)
  threads > $OUT/threads4
  [ -n "${PERF2:-}" ] && { kill -INT $PERFPID; wait $PERFPID; }
  awk -v c0=$c0 -v c1=$c1 -v t0=$t0 -v t1=$t1 -v n=$N 'BEGIN{printf "warm storm %.1f s, hub cpu %.1f s, %.3f ms/registration, %.0f reg/s wall\n", t1-t0, (c1-c0)/1000, (c1-c0)/n, n/(t1-t0)}'
  echo "warm storm cpu by thread:"; split $OUT/threads3 $OUT/threads4
  echo "load $(cat /proc/loadavg)"
fi
[ -n "${KEEP:-}" ] && exit 0
kill $FLEET; sleep 1; kill $HUB; wait $HUB 2>/dev/null
