# Shared by bin/herald and loadtest/bench: choose a JDK >= 21.
# Order: JAVA_HOME if it is >= 21, else the `java` on PATH if >= 21, else the newest JDK under /usr/lib/jvm.

herald_jdk_version() {
  "$1/bin/java" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -1
}

herald_pick_jdk() {
  local j v best="" bestv=0 onpath
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    v=$(herald_jdk_version "$JAVA_HOME"); [ "${v:-0}" -ge 21 ] && { echo "$JAVA_HOME"; return 0; }
  fi
  if onpath=$(command -v java 2>/dev/null); then
    j=$(dirname "$(dirname "$(readlink -f "$onpath")")")
    v=$(herald_jdk_version "$j"); [ "${v:-0}" -ge 21 ] && { echo "$j"; return 0; }
  fi
  for j in /usr/lib/jvm/*; do
    [ -x "$j/bin/java" ] && [ -x "$j/bin/javac" ] || continue
    v=$(herald_jdk_version "$j")
    [ "${v:-0}" -gt "$bestv" ] && { best=$j; bestv=$v; }
  done
  [ "$bestv" -ge 21 ] && { echo "$best"; return 0; }
  return 1
}

# herald_mvn JDK ARGS... : Maven on that JDK (quietening JDK 24+'s sun.misc.Unsafe notices from Maven's own libraries).
herald_mvn() {
  local jdk=$1; shift
  local opts="${MAVEN_OPTS:-}"
  [ "$(herald_jdk_version "$jdk")" -ge 24 ] && opts="$opts --sun-misc-unsafe-memory-access=allow"
  MAVEN_OPTS="$opts" JAVA_HOME="$jdk" mvn "$@"
}
