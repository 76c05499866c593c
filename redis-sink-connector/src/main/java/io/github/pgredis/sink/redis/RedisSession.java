package io.github.pgredis.sink.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

/**
 * The task's one connection to Redis, in pipelining mode: commands are queued, sent by {@link #flush()}, and every
 * reply is checked through {@link #await(RedisFuture, long)}.
 */
public final class RedisSession implements AutoCloseable {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> commands;
    private final long timeoutMs;
    private String runId;

    private RedisSession(RedisClient client, StatefulRedisConnection<String, String> connection, long timeoutMs) {
        this.client = client;
        this.connection = connection;
        this.commands = connection.async();
        this.timeoutMs = timeoutMs;
    }

    /** Connects, authenticates, loads the scripts and reads the server's run_id. */
    public static RedisSession open(RedisSettings settings) {
        RedisClient client = RedisClients.create(settings);
        try {
            StatefulRedisConnection<String, String> connection = client.connect();
            connection.setAutoFlushCommands(false);
            RedisSession session = new RedisSession(client, connection, settings.timeoutMs());
            session.loadScripts();
            session.runId = session.fetchRunId();
            return session;
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
    }

    public RedisAsyncCommands<String, String> commands() {
        return commands;
    }

    public void flush() {
        connection.flushCommands();
    }

    public long timeoutMs() {
        return timeoutMs;
    }

    /** The run_id of the server whose data this session has checked. */
    public String runId() {
        return runId;
    }

    /** Reads the server's run_id again and adopts it; returns true when it changed. */
    public boolean refreshRunId() {
        String current = fetchRunId();
        boolean changed = !current.equals(runId);
        runId = current;
        return changed;
    }

    public void loadScripts() {
        List<RedisFuture<String>> loads = new ArrayList<>();
        for (LuaScript script : List.of(LuaScript.APPLY_CHANGE, LuaScript.RECORD_OFFSETS, LuaScript.RECONCILE_ROW)) {
            loads.add(commands.scriptLoad(script.source()));
        }
        flush();
        loads.forEach(load -> await(load, timeoutMs));
    }

    private String fetchRunId() {
        String info = execute(commands.info("server"));
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("run_id:")) {
                return line.substring("run_id:".length()).trim();
            }
        }
        throw new IllegalStateException("Redis INFO server has no run_id");
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
        try {
            connection.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
