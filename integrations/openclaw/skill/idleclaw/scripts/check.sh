#!/usr/bin/env bash
# The IdleClaw skill's requirement gate: is an IdleClaw launcher on PATH, and will it find a JDK 25 or newer?
# Prints one line: "ok: …" and exits 0, or "idleclaw skill: <what is missing>: <the fix>" and exits 1.
# It asks the launcher's own lib-java.sh (beside the launcher), so it finds exactly the java the launcher would run:
# a java 17 on PATH is reported as not enough, as is IDLECLAW_JAVA pointing at one.
set -uo pipefail

fail() {
  echo "idleclaw skill: $*"
  exit 1
}

launcher=$(command -v idleclaw) ||
  fail "no 'idleclaw' on PATH: unpack idleclaw-<version>-release.tar.gz and link its launcher, e.g. ln -s \"\$PWD/idleclaw-<version>/idleclaw\" ~/.local/bin/idleclaw"
here=$(dirname "$(readlink -f "$launcher")")
[ -f "$here/lib-java.sh" ] ||
  fail "$launcher is not IdleClaw's launcher (no lib-java.sh beside $(readlink -f "$launcher")): link the launcher from the release archive instead"
# shellcheck source=/dev/null
. "$here/lib-java.sh"

java_bin=$(find_java)
[ -n "$java_bin" ] || fail "$(java_fix)"

if [ -f "$here/idleclaw.jar" ]; then
  jar="$here/idleclaw.jar"
elif [ -f "$(dirname "$here")/idleclaw/target/idleclaw.jar" ]; then
  jar="$(dirname "$here")/idleclaw/target/idleclaw.jar"
else
  jar="none yet (the first command builds it in the checkout, about a minute)"
fi
echo "ok: idleclaw $launcher, java $(java_major "$java_bin") at $java_bin, jar $jar"
