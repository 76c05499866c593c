package io.github.pgredis.sink.redis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

import io.lettuce.core.RedisCommandExecutionException;
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
    private int[] copyIndexBySlot;
    private Map<String, String> writtenKeys;

    public OffsetStore(String internalKeyPrefix, String connectorName) {
        this.internalKeyPrefix = internalKeyPrefix;
        this.connectorName = connectorName;
    }

    /** The hash outside a Cluster; for logs, the name the copies of a Cluster share. */
    public String key() {
        return internalKeyPrefix + "offsets:{" + connectorName + "}";
    }

    private String copyKeyPrefix() {
        // braces in the name would end the hash tag early and put every copy in one slot
        return internalKeyPrefix + "offsets:{" + connectorName.replace("{", "%7B").replace("}", "%7D") + ":";
    }

    private String copyKey(int n) {
        return copyKeyPrefix() + n + "}";
    }

    static String field(TopicPartition partition) {
        return partition.topic() + "/" + partition.partition();
    }

    /** Per slot, the smallest n whose copy key hashes to it: computed once. */
    private int[] copyIndexBySlot() {
        if (copyIndexBySlot == null) {
            int[] bySlot = new int[SlotHash.SLOT_COUNT];
            Arrays.fill(bySlot, -1);
            int found = 0;
            for (int n = 0; found < SlotHash.SLOT_COUNT; n++) {
                int slot = SlotHash.getSlot(copyKey(n));
                if (bySlot[slot] < 0) {
                    bySlot[slot] = n;
                    found++;
                }
            }
            copyIndexBySlot = bySlot;
        }
        return copyIndexBySlot;
    }

    /** The key of each master's copy, by master id: the smallest n whose slot the master serves. */
    public Map<String, String> copyKeys(RedisSession session, List<RedisConnection.Master> masters) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (RedisConnection.Master master : masters) {
            if (!session.connection().isCluster()) {
                keys.put(master.id(), key());
                continue;
            }
            int smallest = Integer.MAX_VALUE;
            for (int slot : master.slots()) {
                smallest = Math.min(smallest, copyIndexBySlot()[slot]);
            }
            if (smallest == Integer.MAX_VALUE) {
                throw new RedisCommandExecutionException("TRYAGAIN master " + master.id() + " serves no slot now");
            }
            keys.put(master.id(), copyKey(smallest));
        }
        return keys;
    }

    /**
     * Where each partition starts again; see {@link #resume}. Reads every master's fence and copies from one view of
     * the topology.
     */
    public Map<TopicPartition, Long> read(RedisSession session) {
        List<RedisConnection.Master> masters = session.masters();
        Map<String, String> fences = session.readFences(masters);
        Map<String, List<Map<String, String>>> copies = new HashMap<>();
        for (RedisConnection.Master master : masters) {
            List<RedisFuture<Map<String, String>>> replies = new ArrayList<>();
            // routed: a copy whose slot moves after the scan is still read where it went
            copiesOn(session, master).forEach(key -> replies.add(session.commands().hgetall(key)));
            copies.put(master.id(), session.executeAll(replies));
        }
        Map<String, String> bounding = new HashMap<>(fences);
        session.newMasters().forEach((id, fence) -> bounding.remove(id, fence));
        return resume(bounding, copies);
    }

    /**
     * Where each partition starts again: the minimum over the masters of how far each one surely holds its data.
     * A master holds its data up to the highest offset it took itself, one that carries its fence (in any copy: a
     * migration may have moved the copy), since it is still the process that took it, in the same role. Any other
     * master (a promoted replica, a restarted or restored server) holds its data up to the lowest offset its own
     * copies hold, which it inherited with that data and which is never ahead of it, or up to nothing (0) when its
     * copies hold none. A partition that no copy holds starts at 0.
     *
     * @param fences  the fence of each master that bounds (masters new to the session, whose data came by
     *                migration, are left out)
     * @param copies  the copies each master holds, as stored: field {@code <topic>/<partition>}, value
     *                {@code <offset> <fence>} (or a bare offset, as Connect's offsets alter writes it)
     */
    static Map<TopicPartition, Long> resume(Map<String, String> fences, Map<String, List<Map<String, String>>> copies) {
        Map<TopicPartition, Map<String, Long>> takenByFence = new HashMap<>();
        copies.values().forEach(held -> held.forEach(copy -> copy.forEach((field, value) -> {
            TopicPartition partition = partition(field);
            if (partition != null) {
                takenByFence.computeIfAbsent(partition, p -> new HashMap<>())
                        .merge(String.valueOf(fenceOf(value)), offset(value), Math::max);
            }
        })));
        Map<TopicPartition, Long> resume = new HashMap<>();
        for (Map.Entry<TopicPartition, Map<String, Long>> entry : takenByFence.entrySet()) {
            TopicPartition partition = entry.getKey();
            long start = entry.getValue().values().stream().mapToLong(Long::longValue).max().orElse(0);
            for (Map.Entry<String, String> master : fences.entrySet()) {
                Long taken = entry.getValue().get(master.getValue());
                long holds = taken != null ? taken : copies.getOrDefault(master.getKey(), List.of()).stream()
                        .map(copy -> copy.get(field(partition))).filter(Objects::nonNull)
                        .mapToLong(OffsetStore::offset).min().orElse(0);
                start = Math.min(start, holds);
            }
            resume.put(partition, start);
        }
        return resume;
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
        session.executeAll(send(session, nextOffsets));
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
        writtenKeys = keys;
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

    /**
     * Whether some master's copy has another key now than the one last written (slots moved in a Cluster): the new
     * copy then lacks the partitions that made no progress since, until they are written again.
     */
    public boolean copiesMoved(RedisSession session) {
        return writtenKeys != null && session.connection().isCluster()
                && !copyKeys(session, session.masters()).equals(writtenKeys);
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
        session.executeAll(replies);
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
