#!/bin/sh
# Waits for the Connect worker, then PUTs the source (pg-source-$FORMAT.json) and the sink (redis-sink.json, with the
# source's converters) configurations; a PUT replaces a configuration, so running it again is harmless.
set -eu
CONNECT_URL="${CONNECT_URL:-http://connect:8083}"
FORMAT="${FORMAT:-avro}"
export PG_HOST="${PG_HOST:-postgres}" PG_PORT="${PG_PORT:-5432}" PG_USER="${PG_USER:-postgres}" \
  PG_PASSWORD="${PG_PASSWORD:-postgres}" PG_DATABASE="${PG_DATABASE:-postgres}" \
  KAFKA_BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka:9092}" REDIS_URL="${REDIS_URL:-redis://redis:6379}" \
  REGISTRY_URL="${REGISTRY_URL:-http://registry:8080/apis/registry/v2}"
for _ in $(seq 1 120); do
  curl -sf "$CONNECT_URL/connector-plugins" >/dev/null && break
  sleep 1
done
source_file=/etc/pgredis/connectors/pg-source-$FORMAT.json
register() {
  status="$(python3 /etc/pgredis/connector-config.py "$2" "${3:-}" | curl -sS -o /tmp/reply -w '%{http_code}' \
    -X PUT -H 'Content-Type: application/json' --data @- "$CONNECT_URL/connectors/$1/config")"
  case "$status" in
    2*) echo "registered $1" ;;
    *) echo "Connect refused $1 (HTTP $status): $(cat /tmp/reply)" >&2; exit 1 ;;
  esac
}
register pg-source "$source_file"
register redis-sink /etc/pgredis/redis-sink.json "$source_file"
