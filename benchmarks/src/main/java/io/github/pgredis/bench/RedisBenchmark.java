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
 * the sink's own version-guarded write script, with one row per call and with as many as the sink puts in one
 * (without pipelining, as each call is already a batch). Every row goes to a new random key, as inserts do.
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

    /**
     * Redis's own time (INFO commandstats) per one-row call of a script that does nothing but HSET the row it is
     * given, over new random keys: the least a one-row guarded write through a Lua script costs, since the row's
     * fields pass into the script and out again to HSET.
     */
    double luaHsetFloorMicros(List<String> fieldsAndValues) {
        String sha = redis.commands().scriptLoad("redis.call('HSET', KEYS[1], unpack(ARGV)) return 1");
        List<String> command = new ArrayList<>(List.of("EVALSHA", sha, "1", "bench:row:__rand_int__"));
        command.addAll(fieldsAndValues);
        redis.commands().configResetstat();
        run(command);
        long[] evalsha = Benchmarks.commandStats(List.of(redis.commands())).get("evalsha");
        if (evalsha == null || evalsha[0] == 0) {
            throw new IllegalStateException("no EVALSHA in INFO commandstats after the floor's run");
        }
        return (double) evalsha[1] / evalsha[0];
    }

    /**
     * Rows per second through EVALSHA of apply-change.lua with {@code rowsPerCall} rows per call, each with a random
     * version, so that the guard lets nearly every write through.
     */
    double guardedRowsPerSecond(List<String> fieldsAndValues, int rowsPerCall) {
        String sha = redis.commands().scriptLoad(LuaScript.APPLY_CHANGE.source());
        List<String> command = new ArrayList<>(List.of("EVALSHA", sha, Integer.toString(2 * rowsPerCall)));
        for (int row = 0; row < rowsPerCall; row++) {
            command.addAll(List.of("bench:row:__rand_int__", "bench:v{row:__rand_int__}"));
        }
        command.addAll(List.of("604800000", "__pgr:v", "key"));
        for (int row = 0; row < rowsPerCall; row++) {
            command.addAll(List.of(Integer.toString(7 + fieldsAndValues.size()), "hash",
                    "000020000__rand_int__0000000000000000", "00000000__rand_int__", "upsert", "0", "", "0"));
            command.addAll(fieldsAndValues);
        }
        checkLayout(sha, command, rowsPerCall);
        return run(command, rowsPerCall == 1 ? 32 : 1, REQUESTS / rowsPerCall) * rowsPerCall;
    }

    /**
     * One call of the benchmark's command with its random parts filled in, before the run: it must store a version,
     * or the arguments no longer follow apply-change.lua's layout and the run would measure errors or markers.
     */
    private void checkLayout(String sha, List<String> command, int rows) {
        List<String> filled = new ArrayList<>();
        for (String part : command) {
            filled.add(part.replace("__rand_int__", String.format("%012d", filled.size())));
        }
        String[] keys = filled.subList(3, 3 + 2 * rows).toArray(String[]::new);
        String[] args = filled.subList(3 + 2 * rows, filled.size()).toArray(String[]::new);
        Object reply = redis.commands().evalsha(sha, ScriptOutputType.MULTI, keys, args);
        String version = redis.commands().get(keys[1]);
        redis.commands().del(keys);
        boolean allStored = reply instanceof List<?> results && results.size() == rows
                && results.stream().allMatch(Long.valueOf(1)::equals);
        if (!allStored || version == null || !version.startsWith("00002")) {
            throw new IllegalStateException("the guarded write stored no version (reply " + reply + "): its "
                    + "arguments no longer follow apply-change.lua");
        }
    }

    private double run(List<String> redisCommand) {
        return run(redisCommand, 32, REQUESTS);
    }

    private double run(List<String> redisCommand, int pipeline, int requests) {
        List<String> command = new ArrayList<>(List.of("redis-benchmark", "-h", "127.0.0.1", "-p",
                Integer.toString(redis.port()), "-n", Integer.toString(requests), "-c", "50", "-P",
                Integer.toString(pipeline), "-r", "100000000", "--csv"));
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
