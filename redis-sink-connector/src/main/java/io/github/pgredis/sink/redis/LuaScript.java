package io.github.pgredis.sink.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/** A Lua script shipped with the sink, called by its SHA-1 digest. */
public final class LuaScript {
    public static final LuaScript APPLY_CHANGE = fromResource("apply-change.lua");
    public static final LuaScript RECORD_OFFSETS = fromResource("record-offsets.lua");
    /** Removes a row that no change since an incremental snapshot started wrote. */
    public static final LuaScript RECONCILE_ROW = fromResource("reconcile-row.lua");
    /** The cache client's read: the row, or a lease to fill it. */
    public static final LuaScript CACHE_READ = fromResource("cache-read.lua");
    /** The cache client's fill, through its lease. */
    public static final LuaScript CACHE_FILL = fromResource("cache-fill.lua");

    private final String source;
    private final String sha;

    private LuaScript(String source) {
        this.source = source;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LuaScript fromResource(String name) {
        try (InputStream in = LuaScript.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + name);
            }
            return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String source() {
        return source;
    }

    public String sha() {
        return sha;
    }

    public RedisFuture<Long> call(RedisClusterAsyncCommands<String, String> commands, String[] keys, String... args) {
        return commands.evalsha(sha, ScriptOutputType.INTEGER, keys, args);
    }
}
