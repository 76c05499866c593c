package io.github.pgredis.sink.redis;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * Checks, when a session opens, that the Redis user may run every command the sink runs, directly and inside its
 * scripts, on keys under the internal prefix. Inside a script Redis refuses a command without naming it, so each
 * runs here once, directly, on probe keys of its own (each with a time to live): a user that lacks some fails at
 * once, with a NOPERM error that lists what it lacks (docs/security.md has the whole rule). Redis checks permissions
 * before memory, read-only or disk state, so any other reply (OOM, READONLY, ...) still shows the permission: the
 * probe never stops a sink that could otherwise start. The row keys' patterns depend on the tables; a write refused
 * for one names its key.
 */
public final class AclProbe {
    private static final Pattern COMMAND = Pattern.compile("run the '([^']+)' command");

    private AclProbe() {
    }

    /**
     * Opens a session as the sink's tasks use it: connected, scripts loaded, the user's permissions checked, the
     * change feed's commands when a table is fed, WAIT when batches wait for replicas.
     */
    public static RedisSession openChecked(RedisSettings settings, String internalKeyPrefix, boolean feed,
            boolean waitsForReplicas) {
        RedisSession session = RedisSession.open(settings);
        try {
            check(session, internalKeyPrefix, feed, waitsForReplicas);
            return session;
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    static void check(RedisSession session, String internalKeyPrefix, boolean feed, boolean waitsForReplicas) {
        RedisClusterAsyncCommands<String, String> redis = session.commands();
        // one hash tag: in a Cluster every probe key is in one slot, as the script call needs
        String base = internalKeyPrefix + "acl-probe:{" + UUID.randomUUID() + "}";
        String string = base + ":s";
        String hash = base + ":h";
        String stream = base + ":x";
        Map<String, RedisFuture<?>> probes = new LinkedHashMap<>();
        probes.put("set", redis.set(string, "1", SetArgs.Builder.px(60_000)));
        probes.put("persist", redis.persist(base + ":absent"));
        probes.put("get", redis.get(string));
        probes.put("strlen", redis.strlen(string));
        probes.put("mset", redis.mset(Map.of(string, "1")));
        probes.put("exists", redis.exists(string));
        probes.put("type", redis.type(string));
        probes.put("pttl", redis.pttl(string));
        probes.put("pexpire", redis.pexpire(string, 60_000));
        probes.put("hset", redis.hset(hash, "f", "v"));
        redis.pexpire(hash, 60_000);
        probes.put("hget", redis.hget(hash, "f"));
        probes.put("hmget", redis.hmget(hash, "f"));
        probes.put("hgetall", redis.hgetall(hash));
        probes.put("hlen", redis.hlen(hash));
        probes.put("hexists", redis.hexists(hash, "f"));
        probes.put("hkeys", redis.hkeys(hash));
        probes.put("hdel", redis.hdel(hash, "f"));
        if (feed) {
            probes.put("xadd", redis.xadd(stream, new XAddArgs().maxlen(1).approximateTrimming(),
                    Map.of("f", "v")));
            redis.pexpire(stream, 60_000);
            probes.put("xrange", redis.xrange(stream, Range.create("-", "+")));
            probes.put("xinfo|stream", redis.xinfoStream(stream));
        }
        // commands without a key on a master's own connection: in a Cluster they would go to any node, a replica too
        RedisConnection.Master master = session.masters().get(0);
        if (waitsForReplicas) {
            probes.put("wait", master.commands().waitForReplication(0, 1));
        }
        probes.put("scan", RedisConnection.scanPage(master, base, ScanCursor.INITIAL, 1));
        probes.put("evalsha", LuaScript.RECONCILE_ROW.call(redis, new String[] {string, base + ":v"}, "0", "1",
                base + ":field"));
        probes.put("del", redis.del(string, hash, stream));
        session.flush();
        Set<String> lacking = new LinkedHashSet<>();
        for (Map.Entry<String, RedisFuture<?>> probe : probes.entrySet()) {
            try {
                RedisSession.await(probe.getValue(), session.timeoutMs());
            } catch (RedisCommandExecutionException e) {
                String message = e.getMessage() == null ? "" : e.getMessage();
                if (!message.startsWith("NOPERM")) {
                    continue;
                }
                if (message.toLowerCase(Locale.ROOT).contains(" key")) {
                    lacking.add("~" + internalKeyPrefix + "*");
                } else {
                    Matcher command = COMMAND.matcher(message);
                    lacking.add("+" + (command.find() ? command.group(1) : probe.getKey()));
                }
            }
        }
        if (!lacking.isEmpty()) {
            throw new RedisCommandExecutionException("NOPERM the Redis user lacks what the sink needs: "
                    + String.join(" ", lacking) + " (docs/security.md has the whole ACL rule)");
        }
    }
}
