#!/usr/bin/env bash
# Runs every benchmark in one go on this machine and ends with RESULT <name> <value> <unit> lines
# (docs/benchmarks.md). Needs java, mvn and redis-server/redis-benchmark; starts and stops its own servers.
#   ./bench.sh                       the full run (about 30 minutes on 2 cores)
#   BENCH_OPTS="-Dbench.changes=20000 -Dbench.keys=2000 -Dbench.bigKeys=20000" ./bench.sh   a quick one
set -euo pipefail
ROOT="$(cd "$(dirname "$0")" && pwd)"
for tool in java mvn redis-server redis-benchmark; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is not installed" >&2; exit 2; }
done
(cd "$ROOT" && mvn -B -q -pl benchmarks -am install -DskipTests)
cd "$ROOT/benchmarks"
mkdir -p target/bench-logs target/tmp
# shellcheck disable=SC2086
exec java -Xms2g -Xmx4g -XX:+UseParallelGC -Djava.io.tmpdir="$ROOT/benchmarks/target/tmp" \
  -Dlog4j2.configurationFile="$ROOT/benchmarks/log4j2-bench.xml" ${BENCH_OPTS:-} \
  -cp "target/classes:$(cat target/runtime.classpath)" io.github.pgredis.bench.Benchmarks
