#!/usr/bin/env bash
# Runs the whole pipeline on this machine as real processes (PostgreSQL, Kafka, Connect with Debezium and the
# Redis sink, Redis), makes changes with SQL and prints what Redis holds. Pass --hold to keep it running.
set -euo pipefail
cd "$(dirname "$0")"
command -v redis-server >/dev/null || { echo "redis-server is needed: apt-get install redis-server" >&2; exit 1; }
mvn -B -q -pl redis-sink-connector -am test-compile
mvn -B -q -pl redis-sink-connector exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=io.github.pgredis.sink.demo.PipelineDemo -Dexec.args="${1:-}"
