package io.github.pgredis.sink.core;

import org.apache.kafka.common.utils.Time;

/**
 * Keeps the sink talking to the Redis server whose data it checked: scripts are loaded again after the server lost
 * them, and while the task is idle (no offsets write would notice) the server's identity is checked once a second.
 */
final class ServerFence {
    static final long IDLE_CHECK_INTERVAL_MS = 1_000L;

    private final Time time;
    private boolean scriptsMissing;
    private long lastContactMs;

    ServerFence(Time time) {
        this.time = time;
        this.lastContactMs = time.milliseconds();
    }

    void scriptsLost() {
        scriptsMissing = true;
    }

    /** Before sending: loads the scripts again when the server lost them. */
    void prepare(RedisTarget target) {
        if (scriptsMissing) {
            target.reloadScripts();
            scriptsMissing = false;
        }
    }

    /** A batch went out; its offsets write is fenced, so no separate check is due. */
    void sent() {
        lastContactMs = time.milliseconds();
    }

    /** While idle, at most once a second: whether the server is another one than the one checked. */
    boolean replacedWhileIdle(RedisTarget target) {
        if (time.milliseconds() - lastContactMs < IDLE_CHECK_INTERVAL_MS) {
            return false;
        }
        lastContactMs = time.milliseconds();
        return target.serverReplaced();
    }
}
