#!/bin/sh
# A single-node Kafka broker and controller (KRaft), its log in /var/lib/pgredis/kafka, formatted on first start.
set -eu
DATA=/var/lib/pgredis/kafka
CONFIG=/var/lib/pgredis/server.properties
cat >"$CONFIG" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:9093
listeners=PLAINTEXT://0.0.0.0:9092,CONTROLLER://localhost:9093
advertised.listeners=PLAINTEXT://${KAFKA_ADVERTISED_HOST:-kafka}:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
if [ ! -f "$DATA/meta.properties" ]; then
  java -cp '/opt/kafka/lib/*' kafka.tools.StorageTool format --standalone \
    -t "$(java -cp '/opt/kafka/lib/*' kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" -c "$CONFIG"
fi
exec java -Xms256m -Xmx768m -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties -cp '/opt/kafka/lib/*' kafka.Kafka "$CONFIG"
