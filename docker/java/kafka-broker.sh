#!/bin/sh
# A single-node Kafka broker and controller (KRaft), its log in /var/lib/pgredis/kafka, formatted on first start; the
# properties are ./stack.sh's (local-stack/kafka-broker.properties) with this container's addresses.
set -eu
export CONTROLLER_ADDRESS=localhost:9093 BROKER_LISTEN=0.0.0.0:9092 \
  BROKER_ADVERTISED="${KAFKA_ADVERTISED_HOST:-kafka}:9092" KAFKA_DATA=/var/lib/pgredis/kafka
CONFIG=/var/lib/pgredis/server.properties
/opt/kafka/bin/render-template.sh /opt/kafka/config/kafka-broker.properties >"$CONFIG"
if [ ! -f "$KAFKA_DATA/meta.properties" ]; then
  java -cp '/opt/kafka/lib/*' kafka.tools.StorageTool format --standalone \
    -t "$(java -cp '/opt/kafka/lib/*' kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" -c "$CONFIG"
fi
exec java -Xms256m -Xmx768m -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties -cp '/opt/kafka/lib/*' kafka.Kafka "$CONFIG"
