package io.github.pgredis.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.github.pgredis.sink.redis.LuaScript;
import io.lettuce.core.ScriptOutputType;
import io.github.pgredis.sink.testing.RedisServer;

/**
 * Redis's own ceilings for the two ways of writing a row, measured with {@code redis-benchmark} (50 clients,
 * pipelines of 32) against the same server: a plain HSET of the realistic row's ten fields, and an EVALSHA of
 * the sink's own version-guarded write script. Every request writes a new random key, as inserts do.
 */
final class RedisBenchmark {
    private static final int REQUESTS = 300_000;
    private final RedisServer redis;

    RedisBenchmark(RedisServer redis) {
        this.redis = redis;
    }

    double hsetPerSecond(List<String> fieldsAndValues) {
        List<String> command = new ArrayList<>(List.of("HSET", "bench:row:__rand_int__"));
        command.addAll(fieldsAndValues);
        return run(command);
    }

    /** EVALSHA of apply-change.lua with a random version per request, so that the guard lets the write through. */
    double guardedWritePerSecond(List<String> fieldsAndValues) {
        String sha = redis.commands().scriptLoad(LuaScript.APPLY_CHANGE.source());
        List<String> command = new ArrayList<>(List.of("EVALSHA", sha, "2", "bench:row:__rand_int__",
                "bench:v{row:__rand_int__}", "604800000", Integer.toString(7 + fieldsAndValues.size()), "hash",
                "000020000__rand_int__0000000000000000", "00000000__rand_int__", "upsert", "0", "", "0"));
        command.addAll(fieldsAndValues);
        checkLayout(sha, command);
        return run(command);
    }

    /**
     * One call of the benchmark's command with its random parts filled in, before the run: it must store a version,
     * or the arguments no longer follow apply-change.lua's layout and the run would measure errors or markers.
     */
    private void checkLayout(String sha, List<String> command) {
        List<String> filled = command.stream().map(part -> part.replace("__rand_int__", "000000000001")).toList();
        String[] keys = filled.subList(3, 5).toArray(String[]::new);
        String[] args = filled.subList(5, filled.size()).toArray(String[]::new);
        Object reply = redis.commands().evalsha(sha, ScriptOutputType.MULTI, keys, args);
        String version = redis.commands().get(keys[1]);
        redis.commands().del(keys);
        if (!List.of(1L).equals(reply) || version == null || !version.startsWith("00002")) {
            throw new IllegalStateException("the guarded write stored no version (reply " + reply + "): its "
                    + "arguments no longer follow apply-change.lua");
        }
    }

    private double run(List<String> redisCommand) {
        List<String> command = new ArrayList<>(List.of("redis-benchmark", "-h", "127.0.0.1", "-p",
                Integer.toString(redis.port()), "-n", Integer.toString(REQUESTS), "-c", "50", "-P", "32", "-r",
                "100000000", "--csv"));
        command.addAll(redisCommand);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("redis-benchmark failed: " + output);
            }
            redis.commands().flushall();
            for (String line : output.split("\n")) {
                String[] fields = line.split("\",\"");
                if (fields.length > 1 && !line.startsWith("\"test\"")) {
                    return Double.parseDouble(fields[1].replace("\"", ""));
                }
            }
            throw new IllegalStateException("no rate in redis-benchmark output: " + output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
