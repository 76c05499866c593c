#!/bin/sh
# A Connect distributed worker with the plugins under /opt/connect/plugins, its REST API on 8083 and, through the
# Prometheus JMX exporter on the rules the Redis sink's plugin archive ships, its metrics on 9404; the properties are
# ./stack.sh's (local-stack/connect-worker.properties) with this container's addresses.
set -eu
export KAFKA_BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka:9092}" CONNECT_GROUP=pgredis-compose CONNECT_LISTEN=0.0.0.0:8083 \
  CONNECT_ADVERTISED_HOST="${CONNECT_ADVERTISED_HOST:-connect}" PLUGIN_PATH=/opt/connect/plugins
CONFIG=/var/lib/pgredis/connect.properties
/opt/kafka/bin/render-template.sh /opt/kafka/config/connect-worker.properties >"$CONFIG"
exec java -Xms256m -Xmx768m -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties \
  -javaagent:/opt/connect/agents/jmx_prometheus_javaagent.jar=9404:/opt/connect/agents/prometheus-jmx-exporter.yaml \
  -cp '/opt/kafka/lib/*' org.apache.kafka.connect.cli.ConnectDistributed "$CONFIG"
