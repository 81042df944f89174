#!/usr/bin/env bash
# The hub's RSS under 100 stalled streams (docs/benchmarks.md, "Hub memory under stalled streams"): a stand-in Ollama,
# 10 nodes x 10 slots, 100 curl consumers; RSS every 30 s for 2 minutes, then the heap and the live set (after a
# full GC). Needs the built jars: ./mvnw -DskipTests package -pl idleclaw,testkit -am
#   bench/stalled-streams-rss.sh LABEL                  a token every 1000 s: the streams stall
#   DELAY_MS=20 bench/stalled-streams-rss.sh LABEL      a token every 20 ms per stream (5,000 chunks/s of churn)
#   LAUNCHER=/path/to/bin/idleclaw ...                  another launcher (e.g. an older one, for "before")
set -u
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
label=$1
. "$root/bin/lib-java.sh"
J=$(require_java stalled-streams-rss)
port=${PORT:-18800}; oport=${OLLAMA_PORT:-18811}
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$J" -cp "$root/testkit/target/classes:$root/idleclaw/target/idleclaw.jar" dev.idleclaw.testkit.StandInOllama \
   --port "$oport" --model m:1 --tokens 100000 --delay-ms "${DELAY_MS:-1000000}" > "$work/ollama.log" 2>&1 & pids+=($!)
HOME="$work" IDLECLAW_JAVA="$J" "${LAUNCHER:-$root/bin/idleclaw}" server --port "$port" --data-dir "$work/hub" \
   --rate-limit-chat 100000 --rate-limit-ws 100000 --rate-limit-default 100000 --max-nodes-per-ip 20 \
   --max-chats-per-ip 1000 --max-connections-per-ip 1000 --chunk-timeout 900 --response-timeout 900 \
   --probe-interval 0 > "$work/hub.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do curl -sf "localhost:$port/health" >/dev/null && break; sleep 0.3; done
hubpid=$(pgrep -f "idleclaw.jar server --port $port" | head -1)
for n in $(seq 10); do
  HOME="$work/n$n" IDLECLAW_JAVA="$J" OLLAMA_HOST="http://127.0.0.1:$oport" IDLECLAW_SERVER="http://127.0.0.1:$port" \
     IDLECLAW_JAVA_OPTS=-Xmx64m "$root/bin/idleclaw" contribute --max-concurrent 10 > "$work/node$n.log" 2>&1 & pids+=($!)
done
for _ in $(seq 200); do
  n=$(curl -s "localhost:$port/health" | sed -n 's/.*"node_count":\([0-9]*\).*/\1/p'); [ "${n:-0}" -ge 10 ] && break; sleep 0.5
done
for _ in $(seq 100); do
  curl -sN --max-time 400 "localhost:$port/api/chat" -H 'Accept: application/x-ndjson' \
     -d '{"model":"m:1","messages":[{"role":"user","content":"hi"}],"stream":true}' > /dev/null 2>&1 & pids+=($!)
done
sleep 5
echo "$label active: $(curl -s "localhost:$port/metrics" | sed -n 's/.*"requests_active":\([0-9]*\).*/\1/p')"
for t in 0 30 60 90 120; do
  [ "$t" -gt 0 ] && sleep 30
  echo "$label t=${t}s rss_kb=$(awk '/VmRSS/{print $2}' "/proc/$hubpid/status")"
done
jcmd="$(dirname "$J")/jcmd"
"$jcmd" "$hubpid" GC.heap_info | sed -n 2p
"$jcmd" "$hubpid" VM.flags | tr ' ' '\n' | grep -E "^-XX:MaxHeapSize"
echo "live set (bytes): $("$jcmd" "$hubpid" GC.class_histogram | tail -1)"
