package io.github.pgredis.sink.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.SlotHash;

/**
 * The next Kafka offset to apply per topic-partition, kept in Redis beside the data it covers: one hash per connector
 * and master, field {@code <topic>/<partition>}. Outside a Cluster that is {@code <internal prefix>offsets:{<connector
 * name>}}; in a Cluster each master holds a copy, {@code <internal prefix>offsets:{<connector name>:<n>}} with the
 * smallest n whose slot the master serves, written after that master's data on the same connection.
 *
 * <p>A server's copy is never ahead of its own data: after Redis loses data (a crash, a restore, a failover to a
 * replica that lacked the last writes) the copy has lost the same suffix. Each offset is stored with the fence of the
 * server that took it (record-offsets.lua), so {@link #read} tells the offsets a server took itself, behind which it
 * lost nothing, from those it inherited, behind which it may have.
 */
public final class OffsetStore {
    private final String internalKeyPrefix;
    private final String connectorName;

    public OffsetStore(String internalKeyPrefix, String connectorName) {
        this.internalKeyPrefix = internalKeyPrefix;
        this.connectorName = connectorName;
    }

    /** The hash outside a Cluster; for logs, the name the copies of a Cluster share. */
    public String key() {
        return internalKeyPrefix + "offsets:{" + connectorName + "}";
    }

    private String copyKeyPrefix() {
        return internalKeyPrefix + "offsets:{" + connectorName + ":";
    }

    private String copyKey(int n) {
        return copyKeyPrefix() + n + "}";
    }

    static String field(TopicPartition partition) {
        return partition.topic() + "/" + partition.partition();
    }

    /** The key of each master's copy, by master id. */
    Map<String, String> copyKeys(RedisSession session, List<RedisConnection.Master> masters) {
        Map<String, String> keys = new LinkedHashMap<>();
        if (!session.connection().isCluster()) {
            masters.forEach(master -> keys.put(master.id(), key()));
            return keys;
        }
        for (RedisConnection.Master master : masters) {
            for (int n = 0; n < 20 * SlotHash.SLOT_COUNT; n++) {
                String key = copyKey(n);
                if (master.id().equals(session.connection().masterOf(key))) {
                    keys.put(master.id(), key);
                    break;
                }
            }
        }
        return keys;
    }

    /**
     * Where each partition starts again: at the latest offset any copy holds, unless some master may have lost writes
     * behind it. A master that took an offset itself (the offset carries its fence, in any copy: a migration may have
     * moved the copy) has lost nothing of that partition. Any other master is bounded by the offsets its own copies
     * hold from another server (its predecessor: a failover, a restart, a restore), or by 0, the beginning, when it
     * holds none. Masters new to the session, whose data came to them by migration, bound nothing; neither does
     * anything when no copy holds the partition: it starts at 0.
     */
    public Map<TopicPartition, Long> read(RedisSession session) {
        Map<String, String> fences = session.readFences();
        Map<String, List<Map<String, String>>> copiesByMaster = copiesByMaster(session);
        Map<TopicPartition, Long> latest = new HashMap<>();
        Map<TopicPartition, Set<String>> takenBy = new HashMap<>();
        copiesByMaster.values().forEach(copies -> copies.forEach(copy -> copy.forEach((field, value) -> {
            TopicPartition partition = partition(field);
            if (partition != null) {
                latest.merge(partition, offset(value), Math::max);
                takenBy.computeIfAbsent(partition, p -> new HashSet<>()).add(fenceOf(value));
            }
        })));
        Map<TopicPartition, Long> resume = new HashMap<>(latest);
        for (Map.Entry<String, String> master : fences.entrySet()) {
            if (session.newMasters().contains(master.getKey())) {
                continue;
            }
            List<Map<String, String>> own = copiesByMaster.getOrDefault(master.getKey(), List.of());
            for (TopicPartition partition : latest.keySet()) {
                if (takenBy.get(partition).contains(master.getValue())) {
                    continue;
                }
                long bound = own.stream().map(copy -> copy.get(field(partition))).filter(Objects::nonNull)
                        .mapToLong(OffsetStore::offset).min().orElse(0);
                resume.merge(partition, bound, Math::min);
            }
        }
        return resume;
    }

    /** Every copy of this connector's offsets, by the master that holds it now. */
    private Map<String, List<Map<String, String>>> copiesByMaster(RedisSession session) {
        Map<String, List<Map<String, String>>> copies = new HashMap<>();
        for (RedisConnection.Master master : session.masters()) {
            List<RedisFuture<Map<String, String>>> replies = new ArrayList<>();
            copiesOn(session, master).forEach(key -> replies.add(master.commands().hgetall(key)));
            session.flush();
            List<Map<String, String>> held = new ArrayList<>();
            replies.forEach(reply -> held.add(RedisSession.await(reply, session.timeoutMs())));
            copies.put(master.id(), held);
        }
        return copies;
    }

    private static TopicPartition partition(String field) {
        int slash = field.lastIndexOf('/');
        return slash > 0 ? new TopicPartition(field.substring(0, slash),
                Integer.parseInt(field.substring(slash + 1))) : null;
    }

    private static long offset(String value) {
        int space = value.indexOf(' ');
        return Long.parseLong(space < 0 ? value : value.substring(0, space));
    }

    private static String fenceOf(String value) {
        int space = value.indexOf(' ');
        return space < 0 ? null : value.substring(space + 1);
    }

    /** Records next offsets on every master, refused (RUNID_CHANGED) by any that is not the server checked. */
    public void record(RedisSession session, Map<TopicPartition, Long> nextOffsets) {
        List<RedisFuture<Long>> replies = send(session, nextOffsets);
        session.flush();
        replies.forEach(reply -> RedisSession.await(reply, session.timeoutMs()));
    }

    /**
     * Queues {@link #record} on every master's connection, behind the writes sent to it before and ahead of those
     * sent after; the caller flushes.
     */
    public List<RedisFuture<Long>> send(RedisSession session, Map<TopicPartition, Long> nextOffsets) {
        List<String> pairs = new ArrayList<>(nextOffsets.size() * 2);
        nextOffsets.forEach((partition, offset) -> {
            pairs.add(field(partition));
            pairs.add(Long.toString(offset));
        });
        List<RedisConnection.Master> masters = session.masters();
        Map<String, String> keys = copyKeys(session, masters);
        List<RedisFuture<Long>> replies = new ArrayList<>(masters.size());
        for (RedisConnection.Master master : masters) {
            String fence = session.fences().getOrDefault(master.id(), "unchecked");
            List<String> args = new ArrayList<>(1 + pairs.size());
            args.add(fence);
            args.addAll(pairs);
            // routed by key: a copy whose slot moved lands on another server, whose fence refuses it
            replies.add(LuaScript.RECORD_OFFSETS.call(session.commands(), new String[] {keys.get(master.id())},
                    args.toArray(new String[0])));
        }
        return replies;
    }

    /** Forgets every partition's offset, in every copy: the connector starts again from the earliest offsets. */
    public void clear(RedisSession session) {
        List<String> keys = allCopies(session);
        if (!keys.isEmpty()) {
            session.execute(session.commands().del(keys.toArray(String[]::new)));
        }
    }

    /** Applies Connect's alter or reset of the connector's offsets to every copy: a null offset removes the partition. */
    public void alter(RedisSession session, Map<TopicPartition, Long> offsets) {
        List<RedisFuture<?>> replies = new ArrayList<>();
        for (String key : allCopies(session)) {
            offsets.forEach((partition, offset) -> replies.add(offset == null
                    ? session.commands().hdel(key, field(partition))
                    : session.commands().hset(key, field(partition), Long.toString(offset))));
        }
        session.flush();
        replies.forEach(reply -> RedisSession.await(reply, session.timeoutMs()));
    }

    /** Every copy Redis holds (old ones a migration left included) and each master's current one. */
    private List<String> allCopies(RedisSession session) {
        List<RedisConnection.Master> masters = session.masters();
        Set<String> keys = new LinkedHashSet<>(copyKeys(session, masters).values());
        masters.forEach(master -> keys.addAll(copiesOn(session, master)));
        return new ArrayList<>(keys);
    }

    /** The copies the master holds: any key of a copy's name in a Cluster, since slots move. */
    private List<String> copiesOn(RedisSession session, RedisConnection.Master master) {
        if (!session.connection().isCluster()) {
            return List.of(key());
        }
        List<String> keys = new ArrayList<>();
        session.connection().scan(master, copyKeyPrefix(), 500, session.timeoutMs(), keys::addAll);
        return keys;
    }
}
