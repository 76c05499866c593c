package io.github.pgredis.sink.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

import io.lettuce.core.RedisFuture;

/**
 * The next Kafka offset to apply per topic-partition, kept in Redis beside the data it covers, in one hash per
 * connector: {@code <internal prefix>offsets:{<connector name>}}, field {@code <topic>/<partition>}. After Redis
 * loses data (a crash, a restore from an older snapshot) this hash has lost the same suffix, so rewinding to it
 * re-applies exactly what is missing.
 */
public final class OffsetStore {
    private final String key;

    public OffsetStore(String internalKeyPrefix, String connectorName) {
        this.key = internalKeyPrefix + "offsets:{" + connectorName + "}";
    }

    public String key() {
        return key;
    }

    static String field(TopicPartition partition) {
        return partition.topic() + "/" + partition.partition();
    }

    public Map<TopicPartition, Long> read(RedisSession session) {
        Map<String, String> stored = session.execute(session.commands().hgetall(key));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (Map.Entry<String, String> entry : stored.entrySet()) {
            int slash = entry.getKey().lastIndexOf('/');
            if (slash > 0) {
                offsets.put(new TopicPartition(entry.getKey().substring(0, slash),
                        Integer.parseInt(entry.getKey().substring(slash + 1))), Long.parseLong(entry.getValue()));
            }
        }
        return offsets;
    }

    /** Records next offsets, refused (RUNID_CHANGED) if the server is no longer the one the session checked. */
    public void record(RedisSession session, Map<TopicPartition, Long> nextOffsets) {
        session.execute(send(session, nextOffsets));
    }

    /** Queues {@link #record} on the session's pipeline, ahead of writes sent after it. */
    public RedisFuture<Long> send(RedisSession session, Map<TopicPartition, Long> nextOffsets) {
        List<String> args = new ArrayList<>(1 + nextOffsets.size() * 2);
        args.add(session.runId());
        nextOffsets.forEach((partition, offset) -> {
            args.add(field(partition));
            args.add(Long.toString(offset));
        });
        return LuaScript.RECORD_OFFSETS.call(session.commands(), new String[] {key}, args.toArray(new String[0]));
    }

    /** Forgets every partition's offset: the connector starts again from the earliest offsets. */
    public void clear(RedisSession session) {
        session.execute(session.commands().del(key));
    }

    /** Applies Connect's alter or reset of the connector's offsets: a null offset removes the partition. */
    public void alter(RedisSession session, Map<TopicPartition, Long> offsets) {
        List<RedisFuture<?>> replies = new ArrayList<>();
        offsets.forEach((partition, offset) -> replies.add(offset == null
                ? session.commands().hdel(key, field(partition))
                : session.commands().hset(key, field(partition), Long.toString(offset))));
        session.flush();
        replies.forEach(reply -> RedisSession.await(reply, session.timeoutMs()));
    }
}
