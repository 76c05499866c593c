#!/bin/sh
# A Connect distributed worker with the plugins under /opt/connect/plugins, its REST API on 8083 and, through the
# Prometheus JMX exporter on the rules the Redis sink's plugin archive ships, its metrics on 9404.
set -eu
CONFIG=/var/lib/pgredis/connect.properties
cat >"$CONFIG" <<PROPS
bootstrap.servers=${KAFKA_BOOTSTRAP:-kafka:9092}
group.id=pgredis-compose
listeners=http://0.0.0.0:8083
rest.advertised.host.name=${CONNECT_ADVERTISED_HOST:-connect}
config.storage.topic=connect-configs
offset.storage.topic=connect-offsets
status.storage.topic=connect-status
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
offset.flush.interval.ms=1000
plugin.path=/opt/connect/plugins
PROPS
exec java -Xms256m -Xmx768m -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties \
  -javaagent:/opt/connect/agents/jmx_prometheus_javaagent.jar=9404:/opt/connect/agents/prometheus-jmx-exporter.yaml \
  -cp '/opt/kafka/lib/*' org.apache.kafka.connect.cli.ConnectDistributed "$CONFIG"
