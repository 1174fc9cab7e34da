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

# herald_mvn JDK ARGS... : Maven on that JDK (quietening JDK 24+'s sun.misc.Unsafe notices from Maven's own libraries);
# its output goes to stderr.
herald_mvn() {
  local jdk=$1; shift
  local opts="${MAVEN_OPTS:-}"
  [ "$(herald_jdk_version "$jdk")" -ge 24 ] && opts="$opts --sun-misc-unsafe-memory-access=allow"
  if [ -t 2 ]; then
    MAVEN_OPTS="$opts" JAVA_HOME="$jdk" mvn "$@"
  else
    # Not a terminal (CI, a log file, a pipe): Maven 3.8 still writes colour resets even in batch mode; drop them.
    MAVEN_OPTS="$opts" JAVA_HOME="$jdk" mvn "$@" 2>&1 | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' >&2
    return "${PIPESTATUS[0]}"
  fi
}

# herald_memory_limit: the container's memory limit in bytes (cgroup v2 memory.max, else cgroup v1
# memory.limit_in_bytes), or nothing when there is none (unset, "max", or v1's "unlimited" near 2^63).
herald_memory_limit() {
  local f v
  for f in "${HERALD_CGROUP_ROOT:-/sys/fs/cgroup}/memory.max" \
           "${HERALD_CGROUP_ROOT:-/sys/fs/cgroup}/memory/memory.limit_in_bytes"; do
    [ -r "$f" ] || continue
    v=$(tr -d '[:space:]' < "$f")
    case "$v" in ''|max|*[!0-9]*) return 0 ;; esac
    # v1 reports "no limit" as a page-rounded 2^63; anything past 1 TiB is no limit for a gateway.
    [ "${#v}" -gt 13 ] && return 0
    echo "$v"; return 0
  done
}

# herald_heap_opts: the JVM's memory options, one rule for bin/herald, the Docker image and the benchmarks.
#   HERALD_HEAP=SIZE (e.g. 768m, 2g) sets the heap; otherwise, under a container memory limit, the heap is half
#   of it; otherwise 256m, which fits a 512 MiB container. Netty's direct buffers get an eighth of the limit
#   (at least 32m; 64m without a limit), so heap + direct + metaspace + stacks stay inside the container.
#   A heap of at most 1 GiB gets the serial collector (what the JVM itself picks on a small machine): Herald's live
#   set is small and bounded, and on the 2-core benchmark machine it used ~40 MiB less than G1's remembered sets and
#   marking structures, with equal or better throughput and p99. A collector named in HERALD_JAVA_OPTS,
#   HERALD_BENCH_JVM_OPTS, JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS wins: the JVM refuses two.
#   Given the major version of the JDK that will run Herald (herald_heap_opts 25: the caller has it already, and
#   asking the JDK again costs a JVM start) and it is 22 or newer, the JVM also hands memory glibc keeps after a
#   free (the JIT's compiler arenas, SQLite's and Netty's buffers) back to the system every second: 16 MiB less RSS
#   at the push benchmark's peak and 15 MiB less with a 100,000-delivery backlog (JDK 25).
herald_heap_opts() {
  local limit heap direct mib gc="" trim=""
  limit=$(herald_memory_limit)
  if [ -n "$limit" ]; then
    heap=$(( limit / 2 / 1048576 )); direct=$(( limit / 8 / 1048576 ))
    [ "$heap" -lt 64 ] && heap=64
    [ "$direct" -lt 32 ] && direct=32
    heap="${heap}m"; direct="${direct}m"
  else
    heap=256m; direct=64m
  fi
  [ -n "${HERALD_HEAP:-}" ] && heap="$HERALD_HEAP"
  [[ "$heap" =~ ^[0-9]+[kKmMgG]?$ ]] || { echo "herald: HERALD_HEAP must be a size like 512m or 2g, not '$heap'" >&2; return 1; }
  case "$heap" in # 10#: a leading zero is not octal
    *[gG]) mib=$(( 10#${heap%?} * 1024 )) ;;
    *[mM]) mib=$(( 10#${heap%?} )) ;;
    *[kK]) mib=$(( 10#${heap%?} / 1024 )) ;;
    *) mib=$(( 10#$heap / 1048576 )) ;;
  esac
  case " ${HERALD_JAVA_OPTS:-} ${HERALD_BENCH_JVM_OPTS:-} ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} " in
    *-XX:+Use*GC*) ;;
    *) [ "$mib" -le 1024 ] && gc=" -XX:+UseSerialGC" ;;
  esac
  if [ "${1:-0}" -ge 22 ]; then
    trim=" -XX:TrimNativeHeapInterval=1000"
  fi
  echo "-Xmx$heap -XX:MaxDirectMemorySize=$direct$gc$trim"
}
