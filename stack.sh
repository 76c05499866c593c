#!/usr/bin/env bash
# The pipeline on this machine as separate real processes: PostgreSQL (zonky's binaries), Redis, a Kafka broker
# (KRaft), and a Connect distributed worker with the Debezium PostgreSQL connector and the Redis sink on its
# plugin.path. Everything lives under .stack/.
#
#   ./stack.sh up [--format json|avro] [--redis standalone|cluster]   start everything, register the connectors,
#                        wait until changes flow, print the endpoints; avro adds Apicurio Registry and Debezium's Avro
#                        output in Confluent wire format; cluster runs a Redis Cluster of 3 masters with a replica each
#                        on STACK_REDIS_PORT and the five ports after it
#   ./stack.sh status    connector and task states, rows per table vs keys in Redis, DLQ size, sink lag
#   ./stack.sh load [changes/s] [seconds]   inserts, updates and deletes on the demo tables, with a progress bar
#   ./stack.sh verify [table...]            PostgreSQL vs Redis under the sink's rules; non-zero exit on drift
#   ./stack.sh down      stop everything; no process of the stack is left
#
# STACK_DIR (default .stack) holds the stack's files. Ports (override with the environment): STACK_PG_PORT=15432 STACK_REDIS_PORT=16379 STACK_KAFKA_PORT=19092
# STACK_CONTROLLER_PORT=19093 STACK_CONNECT_PORT=18083 STACK_REGISTRY_PORT=18081 STACK_METRICS_PORT=18084 (the worker's
# Prometheus endpoint)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")" && pwd)"
STACK="${STACK_DIR:-$ROOT/.stack}"
BUILD="$ROOT/local-stack/target/stack"
PG_PORT="${STACK_PG_PORT:-15432}"
REDIS_PORT="${STACK_REDIS_PORT:-16379}"
KAFKA_PORT="${STACK_KAFKA_PORT:-19092}"
CONTROLLER_PORT="${STACK_CONTROLLER_PORT:-19093}"
CONNECT_PORT="${STACK_CONNECT_PORT:-18083}"
REGISTRY_PORT="${STACK_REGISTRY_PORT:-18081}"
METRICS_PORT="${STACK_METRICS_PORT:-18084}"
METRICS_URL="http://127.0.0.1:$METRICS_PORT/metrics"
CONNECT_URL="http://127.0.0.1:$CONNECT_PORT"
REGISTRY_URL="http://127.0.0.1:$REGISTRY_PORT"
mkdir -p "$STACK"
STACK="$(cd "$STACK" && pwd)"
# PostgreSQL refuses to run as root, so as root it runs as nobody, from a directory nobody can enter.
if [ "$(id -u)" = 0 ] && ! runuser -u nobody -- test -x "$STACK" 2>/dev/null; then
  PG_HOME="/tmp/pgredis-stack-$(printf '%s' "$STACK" | cksum | cut -d' ' -f1)"
else
  PG_HOME="$STACK"
fi
PG_DIR="$PG_HOME/postgres"

say() { printf '%s\n' "$*"; }
die() { printf 'stack: %s\n' "$*" >&2; exit 1; }

need() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is needed (Debian: apt-get install $(package_of "$tool"))"
  done
}

package_of() {
  case "$1" in
    psql) echo postgresql-client ;;
    redis-server|redis-cli) echo redis-server ;;
    java) echo openjdk-17-jre-headless ;;
    mvn) echo maven ;;
    xz) echo xz-utils ;;
    *) echo "$1" ;;
  esac
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

psql_stack() {
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"
}

redis_mode() {
  cat "$STACK/redis-mode" 2>/dev/null || echo standalone
}

# The Redis node ports: one, or the six of a cluster.
redis_ports() {
  if [ "$(redis_mode)" = cluster ]; then seq "$REDIS_PORT" $((REDIS_PORT + 5)); else echo "$REDIS_PORT"; fi
}

# redis.uri as the sink and the verifier take it.
redis_url() {
  local hosts=()
  for port in $(redis_ports); do hosts+=("127.0.0.1:$port"); done
  (IFS=,; echo "redis://${hosts[*]}")
}

# redis-cli on the first node; in a cluster it follows redirects.
redis() {
  if [ "$(redis_mode)" = cluster ]; then redis-cli -c -p "$REDIS_PORT" "$@"; else redis-cli -p "$REDIS_PORT" "$@"; fi
}

# The keys matching a pattern, over every master.
redis_count() {
  local total=0 port
  for port in $(redis_ports); do
    redis-cli -p "$port" info replication 2>/dev/null | grep -q '^role:master' || continue
    total=$((total + $(redis-cli -p "$port" --scan --pattern "$1" | wc -l)))
  done
  echo "$total"
}

wait_for() {
  local what="$1" seconds="$2"
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "timed out waiting for $what (logs: $STACK/logs)"
    sleep 0.2
  done
}

build() {
  if [ ! -d "$BUILD/lib" ] || [ ! -f "$ROOT/consistency-verifier/target/runtime.classpath" ] \
      || ! ls "$ROOT"/redis-sink-connector/target/pgredis-redis-sink-connector-*.zip >/dev/null 2>&1 \
      || ! ls "$ROOT"/resync-scheduler/target/pgredis-resync-scheduler-*.zip >/dev/null 2>&1; then
    say "Building the plugins and the stack (first run only) ..."
    (cd "$ROOT" && mvn -B -q -pl local-stack,consistency-verifier,resync-scheduler -am package -DskipTests)
  fi
}

start_postgres() {
  local bin="$PG_HOME/pgsql/bin"
  if [ ! -x "$bin/postgres" ]; then
    mkdir -p "$PG_HOME/pgsql"
    unzip -p "$BUILD/postgres-binaries.jar" postgres-linux-x86_64.txz | tar -xJf - -C "$PG_HOME/pgsql"
  fi
  local fresh=0
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    mkdir -p "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown nobody "$PG_DIR"
    as_postgres "$bin/initdb" -A trust -U postgres -E UTF8 -D "$PG_DIR/data" >"$STACK/logs/initdb.log" 2>&1
    # read here, written as the server's user: the checkout may be in a directory that user cannot enter
    as_postgres tee -a "$PG_DIR/data/postgresql.conf" <"$ROOT/pg-source-config/postgresql/postgresql.conf" >/dev/null
    fresh=1
  fi
  as_postgres "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -s start \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR"
  if [ "$fresh" = 1 ]; then
    psql_stack -f "$ROOT/local-stack/demo-schema.sql"
    psql_stack -f "$ROOT/pg-source-config/sql/setup.sql"
  fi
}

start_redis() {
  if [ "$(redis_mode)" = cluster ]; then
    start_redis_cluster
    return
  fi
  mkdir -p "$STACK/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$STACK/redis" \
    --appendonly yes --appendfsync everysec --pidfile "$STACK/run/redis.pid" --logfile "$STACK/logs/redis.log"
  wait_for "Redis" 20 redis ping
}

# Six nodes that keep their data and cluster state under .stack/redis-cluster/<port>; made a cluster once.
start_redis_cluster() {
  local port nodes=()
  for port in $(redis_ports); do
    mkdir -p "$STACK/redis-cluster/$port"
    redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$STACK/redis-cluster/$port" \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 \
      --appendonly yes --appendfsync everysec --pidfile "$STACK/run/redis-$port.pid" \
      --logfile "$STACK/logs/redis-$port.log"
    wait_for "Redis node :$port" 20 redis-cli -p "$port" ping
    nodes+=("127.0.0.1:$port")
  done
  if [ ! -f "$STACK/redis-cluster/created" ]; then
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$STACK/logs/redis-cluster-create.log" \
      || die "redis-cli --cluster create failed (see $STACK/logs/redis-cluster-create.log)"
    touch "$STACK/redis-cluster/created"
  fi
  wait_for "the Redis Cluster (cluster_state:ok)" 60 bash -c "redis-cli -p $REDIS_PORT cluster info | grep -q cluster_state:ok"
}

# java_process NAME MAIN CONFIG [JVM option...]
java_process() {
  local name="$1" main="$2" config="$3"
  shift 3
  nohup java -Xms256m -Xmx768m -Dlog4j2.configurationFile="$STACK/config/log4j2-$name.properties" "$@" \
    -cp "$BUILD/lib/*" "$main" "$config" >"$STACK/logs/$name.out" 2>&1 &
  echo $! >"$STACK/run/$name.pid"
}

start_registry() {
  nohup java -Xmx384m -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$REGISTRY_PORT" \
    -jar "$(ls "$BUILD"/apicurio-registry/*-runner.jar | head -1)" >"$STACK/logs/registry.log" 2>&1 &
  echo $! >"$STACK/run/registry.pid"
  wait_for "Apicurio Registry" 90 curl -sf "$REGISTRY_URL/apis/ccompat/v7/subjects"
}

write_configs() {
  mkdir -p "$STACK/config"
  for name in kafka connect; do
    cat >"$STACK/config/log4j2-$name.properties" <<LOG
appender.file.type = File
appender.file.name = file
appender.file.fileName = $STACK/logs/$name.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5p [%t] %c{1} - %m%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
LOG
  done
  CONTROLLER_ADDRESS="127.0.0.1:$CONTROLLER_PORT" BROKER_LISTEN="127.0.0.1:$KAFKA_PORT" \
    BROKER_ADVERTISED="127.0.0.1:$KAFKA_PORT" KAFKA_DATA="$STACK/kafka" \
    "$ROOT/local-stack/render-template.sh" "$ROOT/local-stack/kafka-broker.properties" >"$STACK/config/kafka.properties"
  KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT" CONNECT_GROUP=pgredis-stack CONNECT_LISTEN="127.0.0.1:$CONNECT_PORT" \
    CONNECT_ADVERTISED_HOST=127.0.0.1 PLUGIN_PATH="$STACK/plugins" \
    "$ROOT/local-stack/render-template.sh" "$ROOT/local-stack/connect-worker.properties" \
    >"$STACK/config/connect.properties"
}

install_plugins() {
  rm -rf "$STACK/plugins"
  mkdir -p "$STACK/plugins"
  cp -r "$BUILD/plugins/debezium-connector-postgres" "$BUILD/plugins/apicurio-converter" "$STACK/plugins/"
  local plugin
  for plugin in redis-sink-connector resync-scheduler; do
    unzip -q -o "$(ls "$ROOT/$plugin/target/pgredis-$plugin-"*.zip | head -1)" -d "$STACK/plugins"
  done
}

start_kafka() {
  if [ ! -f "$STACK/kafka/meta.properties" ]; then
    java -cp "$BUILD/lib/*" -Dlog4j2.configurationFile="$STACK/config/log4j2-kafka.properties" \
      kafka.tools.StorageTool format --standalone -t "$(java -cp "$BUILD/lib/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" \
      -c "$STACK/config/kafka.properties" >"$STACK/logs/kafka-format.log" 2>&1
  fi
  java_process kafka kafka.Kafka "$STACK/config/kafka.properties"
  wait_for "the Kafka broker" 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$KAFKA_PORT"
}

# The worker with the Prometheus JMX exporter, on the rules the sink's plugin archive ships.
start_connect() {
  local rules
  rules="$(ls "$STACK"/plugins/pgredis-redis-sink-connector-*/etc/prometheus-jmx-exporter.yaml | head -1)"
  java_process connect org.apache.kafka.connect.cli.ConnectDistributed "$STACK/config/connect.properties" \
    "-javaagent:$BUILD/agents/jmx_prometheus_javaagent.jar=127.0.0.1:$METRICS_PORT:$rules"
  wait_for "the Connect REST API" 120 curl -sf "$CONNECT_URL/connector-plugins"
  wait_for "the worker's metrics endpoint" 30 curl -sf -o /dev/null "$METRICS_URL"
}

# A connector file with its ${NAME} placeholders filled in, as the body of PUT /connectors/{name}/config.
# With a second file, the key and value converter settings are taken from it (the sink reads what the source wrote).
connector_body() {
  local file="$1" converters="${2:-}"
  PG_HOST=127.0.0.1 PG_PORT="$PG_PORT" PG_USER=postgres PG_PASSWORD=postgres PG_DATABASE=postgres \
  KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT" REDIS_URL="$(redis_url)" REGISTRY_URL="$REGISTRY_URL/apis/registry/v2" \
  REDIS_TOPOLOGY="$(redis_mode)" python3 "$ROOT/local-stack/connector-config.py" "$file" "$converters"
}

register() {
  local name="$1" file="$2" converters="${3:-}"
  connector_body "$file" "$converters" | curl -sf -X PUT -H 'Content-Type: application/json' --data @- \
    "$CONNECT_URL/connectors/$name/config" >/dev/null || die "Connect refused $file (see $STACK/logs/connect.log)"
}

up() {
  local format=json mode=standalone
  while [ $# -gt 0 ]; do
    case "$1" in
      --format) format="${2:-}"; shift 2 || shift ;;
      --redis) mode="${2:-}"; shift 2 || shift ;;
      *) die "up takes --format json|avro and --redis standalone|cluster; got $1" ;;
    esac
  done
  case "$format" in json|avro) ;; *) die "--format takes json or avro" ;; esac
  case "$mode" in standalone|cluster) ;; *) die "--redis takes standalone or cluster" ;; esac
  need java mvn psql redis-server redis-cli curl python3 unzip xz runuser
  local running
  running="$(running_services)"
  if [ -n "$running" ]; then
    [ "$running" = "$(expected_services "$format")" ] && die "already up ($running); ./stack.sh down first"
    say "Partly up ($running): stopping it before starting again"
    down >/dev/null
  fi
  # a failed up stops whatever it started, so no process is left behind
  trap 'code=$?; if [ "$code" != 0 ]; then say "up failed: stopping what it started"; down >/dev/null 2>&1; fi' EXIT
  build
  mkdir -p "$STACK/logs" "$STACK/run"
  if [ -f "$STACK/format" ] && [ "$(cat "$STACK/format")" != "$format" ]; then
    die "this stack's Kafka holds $(cat "$STACK/format") data; to switch formats: ./stack.sh down && rm -rf $STACK"
  fi
  echo "$format" >"$STACK/format"
  echo "$mode" >"$STACK/redis-mode"
  say "Starting PostgreSQL :$PG_PORT, Redis $(redis_url | sed 's|redis://||') ($mode), Kafka :$KAFKA_PORT, Connect :$CONNECT_PORT ..."
  write_configs
  install_plugins
  start_postgres
  start_redis
  start_kafka
  local registry_url=""
  if [ "$format" = avro ]; then
    start_registry
    registry_url="$REGISTRY_URL"
  fi
  start_connect
  local source_file="$ROOT/pg-source-config/connectors/pg-source-$format.json"
  register pg-source "$source_file"
  register redis-sink "$ROOT/local-stack/redis-sink.json" "$source_file"
  local probe="stack-probe-$$"
  psql_stack -c "INSERT INTO customers (id, name, email) VALUES (999999, '$probe', NULL) ON CONFLICT (id) DO UPDATE SET name = excluded.name"
  wait_for "a change to flow from PostgreSQL to Redis" 120 \
    bash -c "[ \"\$(redis-cli -c -p $REDIS_PORT hget public.customers:999999 name)\" = '$probe' ]"
  psql_stack -c "DELETE FROM customers WHERE id = 999999"
  wait_for "every table's snapshot in Redis (./stack.sh verify)" 120 verify
  cat >"$STACK/endpoints.env" <<ENV
PG_URL=postgresql://postgres@127.0.0.1:$PG_PORT/postgres
REDIS_URL=$(redis_url)
REDIS_TOPOLOGY=$(redis_mode)
CONNECT_URL=$CONNECT_URL
REGISTRY_URL=$registry_url
METRICS_URL=$METRICS_URL
ENV
  trap - EXIT
  say "Up. Changes flow from PostgreSQL to Redis. Endpoints (also in $STACK/endpoints.env):"
  sed 's/^/  /' "$STACK/endpoints.env"
  say "Try: psql postgresql://postgres@127.0.0.1:$PG_PORT/postgres -c \"UPDATE customers SET name = 'x' WHERE id = 1\""
  say "     redis-cli -c -p $REDIS_PORT hgetall public.customers:1"
}

pid_alive() {
  [ -f "$1" ] && kill -0 "$(head -1 "$1")" 2>/dev/null
}

# The stack's processes that are running now, in start order.
running_services() {
  local found=()
  pid_alive "$PG_DIR/data/postmaster.pid" && found+=(postgres)
  local name
  local port redis_up=""
  for port in $(redis_ports); do
    pid_alive "$STACK/run/redis.pid" || pid_alive "$STACK/run/redis-$port.pid" && redis_up=redis
  done
  [ -n "$redis_up" ] && found+=(redis)
  for name in kafka registry connect; do
    pid_alive "$STACK/run/$name.pid" && found+=("$name")
  done
  echo "${found[*]:-}"
}

expected_services() {
  if [ "$1" = avro ]; then echo "postgres redis kafka registry connect"; else echo "postgres redis kafka connect"; fi
}

stop_pid() {
  local file="$STACK/run/$1.pid"
  [ -f "$file" ] || return 0
  local pid
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

down() {
  stop_pid connect
  stop_pid registry
  stop_pid kafka
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    as_postgres "$PG_HOME/pgsql/bin/pg_ctl" -D "$PG_DIR/data" -m fast -w -s stop || true
  fi
  local port
  for port in $(redis_ports); do
    redis-cli -p "$port" shutdown >/dev/null 2>&1 || true
    stop_pid "redis-$port"
  done
  stop_pid redis
  say "Down: no process of the stack is running."
}

status() {
  say "Connectors:"
  for name in pg-source redis-sink; do
    curl -sf "$CONNECT_URL/connectors/$name/status" | python3 -c '
import json, sys
s = json.load(sys.stdin)
tasks = ", ".join("task %d %s" % (t["id"], t["state"]) for t in s["tasks"])
print("  %-11s %s (%s)" % (s["name"], s["connector"]["state"], tasks or "no tasks"))' || say "  $name: not reachable"
  done
  say "Rows in PostgreSQL vs keys in Redis:"
  for table in $(psql_stack -At -c "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"); do
    local rows keys
    rows="$(psql_stack -At -c "SELECT count(*) FROM public.\"$table\"")"
    keys="$(redis_count "public.$table:*")"
    say "  public.$table: $rows rows, $keys keys"
  done
  say "Kafka:"
  java -cp "$ROOT/local-stack/target/classes:$BUILD/lib/*" -Dlog4j2.configurationFile="$STACK/config/log4j2-kafka.properties" \
    io.github.pgredis.stack.KafkaStatus "127.0.0.1:$KAFKA_PORT" connect-redis-sink redis-sink-dlq
  say "Sink metrics ($METRICS_URL):"
  curl -sf "$METRICS_URL" | python3 -c "$SINK_METRICS_SUMMARY" || say "  not reachable"
}

# Reads the worker's Prometheus text and prints the sink's key figures, per table and per task.
SINK_METRICS_SUMMARY='
import re, sys
line = re.compile(r"^(pgredis_sink_[a-z_]+)\{([^}]*)\} (\S+)$")
tables, tasks = {}, {}
for text in sys.stdin:
    found = line.match(text.strip())
    if not found:
        continue
    name, labels, value = found.group(1)[len("pgredis_sink_"):], dict(re.findall(r"(\w+)=\"([^\"]*)\"", found.group(2))), float(found.group(3))
    if value != value or value in (float("inf"), float("-inf")):
        continue  # a windowed figure with no samples in the window
    if "table" in labels:
        figures = tables.setdefault(labels["table"], {})
        # a table is counted over every task; its lag is the worst task s
        if name.endswith("_ms"):
            figures[name] = max(figures.get(name, -1), value)
        else:
            figures[name] = figures.get(name, 0) + value
    else:
        tasks.setdefault(labels.get("connector", "?") + " task " + labels.get("task", "?"), {})[name] = value
for table, f in sorted(tables.items()):
    lag = f.get("freshness_lag_ms", -1)
    print("  %s: %d applied, %d skipped, %d to the DLQ; freshness lag %s (max %d ms in the window)" % (table,
        f.get("changes_applied_total", 0), f.get("changes_skipped_total", 0), f.get("dead_letters_total", 0),
        "none yet" if lag < 0 else "%d ms" % lag, max(f.get("freshness_lag_max_ms", 0), 0)))
for task, f in sorted(tasks.items()):
    print("  %s: %d retries (backoff now %d ms), %d rewinds; batches of %.0f records, Redis round trip %.1f ms on average" % (task,
        f.get("retries_total", 0), f.get("retry_backoff_ms", 0), f.get("rewinds_total", 0), f.get("batch_size_avg", 0),
        f.get("redis_round_trip_time_avg_ms", 0)))
if not tables and not tasks:
    print("  no sink metrics yet")
'

load() {
  local rate="${1:-200}" seconds="${2:-10}"
  local total=$((rate * seconds)) done_count=0
  say "Load: $rate changes/s for ${seconds}s on public.customers"
  for second in $(seq 1 "$seconds"); do
    local start=$SECONDS
    psql_stack -c "
      INSERT INTO customers (id, name, email, balance)
        SELECT id, 'load ' || id, 'load' || id || '@example.org', round((random() * 1000)::numeric, 2)
        FROM (SELECT DISTINCT 100000 + (random() * 50000)::int AS id FROM generate_series(1, $((rate * 6 / 10)))) ids
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, balance = excluded.balance;
      UPDATE customers SET balance = balance + 1 WHERE id IN (SELECT id FROM customers ORDER BY random() LIMIT $((rate * 3 / 10)));
      DELETE FROM customers WHERE id IN (SELECT id FROM customers WHERE id >= 100000 ORDER BY random() LIMIT $((rate / 10)));"
    done_count=$((done_count + rate))
    local width=40 filled=$((second * 40 / seconds))
    printf '\r  [%-*s] %d/%d changes' "$width" "$(printf '%*s' "$filled" '' | tr ' ' '#')" "$done_count" "$total"
    [ $((SECONDS - start)) -ge 1 ] || sleep 1
  done
  printf '\n'
}

verify() {
  java -cp "$ROOT/consistency-verifier/target/classes:$(cat "$ROOT/consistency-verifier/target/runtime.classpath")" \
    io.github.pgredis.verify.VerifierMain --pg "jdbc:postgresql://127.0.0.1:$PG_PORT/postgres" \
    --pg-password postgres --sink-config "$ROOT/local-stack/redis-sink.json" \
    --set "redis.uri=$(redis_url)" --set "redis.topology=$(redis_mode)" "$@"
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  up) up "$@" ;;
  down) down ;;
  status) status ;;
  load) load "$@" ;;
  verify) verify "$@" ;;
  *) die "usage: ./stack.sh up [--format json|avro] [--redis standalone|cluster] | status | load [changes/s] [seconds] | verify [table...] | down" ;;
esac
