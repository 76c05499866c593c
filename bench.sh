#!/usr/bin/env bash
# Runs every benchmark on this machine and ends with RESULT <name> <value> <unit> lines (docs/benchmarks.md).
# Each part (throughput, latency, feed, cache) runs in a JVM of its own, as a Connect worker would, so one part's
# heap and threads never pause the next. Needs java, mvn and redis-server/redis-benchmark; starts and stops its own
# servers.
#   ./bench.sh                       the full run (30-45 minutes on 2 cores)
#   BENCH_OPTS="-Dbench.only=latency" ./bench.sh                                            one part
#   BENCH_OPTS="-Dbench.changes=20000 -Dbench.keys=2000 -Dbench.bigKeys=20000" ./bench.sh   a quick one
set -euo pipefail
ROOT="$(cd "$(dirname "$0")" && pwd)"
for tool in java mvn redis-server redis-benchmark; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is not installed" >&2; exit 2; }
done
(cd "$ROOT" && mvn -B -q -pl benchmarks -am install -DskipTests)
cd "$ROOT/benchmarks"
LOGS="$ROOT/benchmarks/target/bench-logs"
mkdir -p "$LOGS" target/tmp
CLASSPATH="target/classes:$(cat target/runtime.classpath)"
parts=(throughput latency feed cache)
if [[ "${BENCH_OPTS:-}" =~ -Dbench\.only=([^[:space:]]*) ]]; then
  only="${BASH_REMATCH[1]}"
  [[ " ${parts[*]} " == *" $only "* ]] || { echo "bench.sh: -Dbench.only=$only is none of: ${parts[*]}" >&2; exit 2; }
  parts=("$only")
fi
results="$LOGS/results.txt"
: > "$results"
rm -f "$LOGS"/gc-*.log*
failed=()
for part in "${parts[@]}"; do
  # shellcheck disable=SC2086
  if ! java -Xms2g -Xmx4g -XX:+UseParallelGC "-Xlog:gc:file=$LOGS/gc-$part.log" \
    -Djava.io.tmpdir="$ROOT/benchmarks/target/tmp" -Dlog4j2.configurationFile="$ROOT/benchmarks/log4j2-bench.xml" \
    ${BENCH_OPTS:-} "-Dbench.only=$part" -cp "$CLASSPATH" io.github.pgredis.bench.Benchmarks \
    | tee "$LOGS/console-$part.txt"; then
    failed+=("$part")
  fi
  sed -n '/^summary:$/,$p' "$LOGS/console-$part.txt" | grep '^RESULT ' >> "$results" || true
done
echo
echo "summary:"
cat "$results"
if ((${#failed[@]})); then
  echo "bench.sh: these parts failed (their console in $LOGS): ${failed[*]}" >&2
  exit 1
fi
