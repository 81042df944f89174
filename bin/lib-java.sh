# Shared by the bin/ launchers (source it; do not run it): finds a JDK >= 25.
#   java_bin=$(require_java idleclaw)   prints the java binary, or explains and exits 127
# Set IDLECLAW_JAVA to a java binary (25 or newer) to skip the search.

min=25

major_of() { # prints the feature version of a JDK home, or nothing
  local home="$1" v=""
  [ -x "$home/bin/java" ] || return 0
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" | head -n1)
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  fi
  echo "$v"
}

java_major() { # prints the feature version of a java binary, or nothing
  local bin="$1" home
  [ -x "$bin" ] || bin=$(command -v "$bin" 2>/dev/null) || return 0
  home=$(dirname "$(dirname "$(readlink -f "$bin")")")
  if [ -x "$home/bin/java" ]; then major_of "$home"; return 0; fi
  "$bin" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1
}

find_java() { # prints the newest java >= $min (IDLECLAW_JAVA when set and new enough), or nothing
  if [ -n "${IDLECLAW_JAVA:-}" ]; then
    local v; v=$(java_major "$IDLECLAW_JAVA")
    if [ -n "$v" ] && [ "$v" -ge "$min" ]; then echo "$IDLECLAW_JAVA"; fi
    return 0
  fi
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for d in /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* /opt/java/* /opt/jdk* "$HOME"/.jdks/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home /usr/local/opt/openjdk*/libexec/openjdk.jdk/Contents/Home; do
    [ -d "$d" ] && candidates+=("$d")
  done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  local best="" best_v=0 v
  for home in "${candidates[@]}"; do
    v=$(major_of "$home")
    if [ -n "$v" ] && [ "$v" -ge "$min" ] && [ "$v" -gt "$best_v" ]; then best="$home"; best_v="$v"; fi
  done
  [ -n "$best" ] && echo "$best/bin/java"
}

# The one-line fix when no JDK >= $min is found, naming what was found instead (a java 17 on PATH is not enough).
java_fix() {
  local found=""
  if [ -n "${IDLECLAW_JAVA:-}" ]; then
    found="IDLECLAW_JAVA=$IDLECLAW_JAVA is java $(java_major "$IDLECLAW_JAVA")"
  elif command -v java >/dev/null 2>&1; then
    found="the java on PATH is $(java_major java)"
  else
    found="no java on PATH"
  fi
  echo "needs a JDK $min or newer ($found): install one, e.g. 'apt-get install temurin-$min-jdk' (Adoptium repository) or 'sdk install java $min-tem', or point JAVA_HOME or IDLECLAW_JAVA at it"
}

require_java() { # $1 = the launcher's name, for the message
  local java_bin
  java_bin=$(find_java || true)
  if [ -z "$java_bin" ]; then
    cat >&2 <<MSG
$1: $(java_fix).
  Looked in: \$IDLECLAW_JAVA, \$JAVA_HOME, /usr/lib/jvm, ~/.sdkman/candidates/java, /opt/java, ~/.jdks, and the java on PATH.
MSG
    exit 127
  fi
  echo "$java_bin"
}

# Long-running commands (server, router, worker, tracker) get a bounded heap and a collector that hands memory back:
# without -Xmx the JVM may grow to a quarter of the machine's memory under churn that needs a few MB of live data.
# IDLECLAW_HEAP sets the heap (default 512m); flags in IDLECLAW_JAVA_OPTS come later and win. Prints the flags.
server_jvm_flags() { # $1 = the command
  case "${1:-}" in
    server|router|worker|tracker)
      echo "-Xmx${IDLECLAW_HEAP:-512m} -XX:+UseG1GC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:G1PeriodicGCInterval=60000 -XX:+ExitOnOutOfMemoryError" ;;
  esac
}

# Raises the open-file limit to the hard limit, quietly (each connection is a file; 1024 is a common soft default).
raise_file_limit() {
  local hard
  hard=$(ulimit -Hn 2>/dev/null) || return 0
  if [ "$hard" = unlimited ]; then hard=1048576; fi
  ulimit -n "$hard" 2>/dev/null || true
}
