package io.github.pgredis.sink.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * The task's connection to Redis, in pipelining mode: commands are queued, sent by {@link #flush()}, and every reply
 * is checked through {@link #await(RedisFuture, long)}. It knows the fence of every master (its run_id and
 * replication ID, see record-offsets.lua) as last checked, and which masters it had never seen before that check.
 */
public final class RedisSession implements AutoCloseable {
    private final RedisConnection connection;
    private final long timeoutMs;
    private Map<String, String> fences = Map.of();
    private final Set<String> nodesSeen = new HashSet<>();
    private Map<String, String> newMasters = Map.of();

    private RedisSession(RedisConnection connection, long timeoutMs) {
        this.connection = connection;
        this.timeoutMs = timeoutMs;
    }

    /** Connects, authenticates, loads the scripts and reads every master's fence. */
    public static RedisSession open(RedisSettings settings) {
        RedisConnection connection = RedisConnection.open(settings);
        try {
            connection.setAutoFlushCommands(false);
            RedisSession session = new RedisSession(connection, settings.timeoutMs());
            session.loadScripts();
            session.fences = session.readFences();
            session.noteNodes();
            return session;
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Commands routed by key; see {@link RedisConnection#commands()}. */
    public RedisClusterAsyncCommands<String, String> commands() {
        return connection.commands();
    }

    public RedisConnection connection() {
        return connection;
    }

    public void flush() {
        connection.flushCommands();
    }

    public long timeoutMs() {
        return timeoutMs;
    }

    /** Each master's fence as last checked, by master id ({@link RedisConnection.Master#id()}). */
    public Map<String, String> fences() {
        return fences;
    }

    /**
     * The masters that the last check found and this session had never seen as any node before, with the fence they
     * had then: new nodes that took slots, whose data came to them by migration rather than from a predecessor. One
     * whose fence changed since is not new any more.
     */
    public Map<String, String> newMasters() {
        return newMasters;
    }

    /**
     * Reads the topology and every master's fence again and adopts them; true when some master is not a server whose
     * data was checked before (a restart, a failover, a restore).
     */
    public boolean refreshFences() {
        connection.refreshTopology();
        Map<String, String> current = readFences();
        Set<String> known = new HashSet<>(fences.values());
        Set<String> fresh = new HashSet<>(current.keySet());
        fresh.removeAll(nodesSeen);
        boolean replaced = current.entrySet().stream()
                .anyMatch(master -> !fresh.contains(master.getKey()) && !known.contains(master.getValue()));
        noteNodes();
        Map<String, String> added = new HashMap<>();
        fresh.forEach(id -> added.put(id, current.get(id)));
        newMasters = Map.copyOf(added);
        fences = current;
        return replaced;
    }

    /**
     * The masters now, each with its own connection; the replicas the client knows of are noted as seen, so that a
     * replica promoted later is not taken for a new node. Masters are noted only when their fences are adopted.
     */
    public List<RedisConnection.Master> masters() {
        nodesSeen.addAll(connection.nodeIds(false));
        return connection.masters();
    }

    private void noteNodes() {
        nodesSeen.addAll(connection.nodeIds(true));
    }

    /**
     * Loads the scripts on every master, not on replicas: a stalled replica must not hold up the sink, and a
     * promoted one that lacks them answers NOSCRIPT, which loads them again.
     */
    public void loadScripts() {
        List<RedisFuture<String>> loads = new ArrayList<>();
        for (RedisConnection.Master master : connection.masters()) {
            for (LuaScript script : List.of(LuaScript.APPLY_CHANGE, LuaScript.RECORD_OFFSETS,
                    LuaScript.RECONCILE_ROW)) {
                loads.add(master.commands().scriptLoad(script.source()));
            }
        }
        executeAll(loads);
    }

    private Map<String, String> readFences() {
        return readFences(connection.masters());
    }

    /** The fence of each of these masters now, by master id, without adopting them (see {@link #refreshFences()}). */
    public Map<String, String> readFences(List<RedisConnection.Master> masters) {
        Map<String, RedisFuture<String>> server = new HashMap<>();
        Map<String, RedisFuture<String>> replication = new HashMap<>();
        for (RedisConnection.Master master : masters) {
            server.put(master.id(), master.commands().info("server"));
            replication.put(master.id(), master.commands().info("replication"));
        }
        flush();
        Map<String, String> read = new HashMap<>();
        server.forEach((id, info) -> read.put(id, infoField(await(info, timeoutMs), "run_id") + ":"
                + infoField(await(replication.get(id), timeoutMs), "master_replid")));
        return Map.copyOf(read);
    }

    private static String infoField(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        throw new IllegalStateException("Redis INFO has no " + field);
    }

    /** Sends the queued commands and waits for each reply in turn, within the session's timeout each. */
    public <T> List<T> executeAll(List<? extends RedisFuture<? extends T>> futures) {
        flush();
        List<T> replies = new ArrayList<>(futures.size());
        for (RedisFuture<? extends T> future : futures) {
            replies.add(await(future, timeoutMs));
        }
        return replies;
    }

    /** Sends one command and waits for its reply. */
    public <T> T execute(RedisFuture<T> future) {
        flush();
        return await(future, timeoutMs);
    }

    /** Waits for one reply until an absolute deadline (System.currentTimeMillis()); see {@link #await}. */
    public static <T> T awaitUntil(RedisFuture<T> future, long deadlineMs) {
        return await(future, deadlineMs - System.currentTimeMillis());
    }

    /**
     * Waits for one reply. Throws the command's own failure (a completed future can hold an error) or a
     * {@link RedisCommandTimeoutException}.
     */
    public static <T> T await(RedisFuture<T> future, long timeoutMs) {
        try {
            return future.get(Math.max(timeoutMs, 1), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        } catch (TimeoutException e) {
            throw new RedisCommandTimeoutException("no reply from Redis within " + timeoutMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisCommandTimeoutException("interrupted while waiting for Redis");
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
