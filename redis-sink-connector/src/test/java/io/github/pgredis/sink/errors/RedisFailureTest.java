package io.github.pgredis.sink.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;

class RedisFailureTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "LOADING Redis is loading the dataset in memory|TRANSIENT",
        "BUSY Redis is busy running a script|TRANSIENT",
        "READONLY You can't write against a read only replica.|TRANSIENT",
        "MASTERDOWN Link with MASTER is down|TRANSIENT",
        "OOM command not allowed when used memory > 'maxmemory'. script: abc|TRANSIENT",
        "MISCONF Redis is configured to save RDB snapshots|TRANSIENT",
        "WRONGTYPE key a holds a list, not a row this sink wrote|RECORD",
        "NOSCRIPT No matching script. Please use EVAL.|SCRIPT_MISSING",
        "RUNID_CHANGED Redis run_id is abc, expected def|SERVER_REPLACED",
        "WRONGPASS invalid username-password pair or user is disabled.|FATAL",
        "NOPERM this user has no permissions to run the 'evalsha' command|FATAL",
        "ERR user_script:40: Expected value but found invalid token at character 1|RECORD",
        "ERR unknown command|FATAL"})
    void classifiesServerErrorsByTheirCode(String reply, RedisFailure expected) {
        assertThat(RedisFailure.classify(new RedisCommandExecutionException(reply))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"connection|TRANSIENT", "timeout|TRANSIENT", "rejected|TRANSIENT",
        "io|TRANSIENT"})
    void connectionProblemsAreTransientWhereverTheyAreInTheCauseChain(String what, RedisFailure expected) {
        RuntimeException failure = switch (what) {
            case "connection" -> new RedisConnectionException("Unable to connect to localhost:1");
            case "timeout" -> new RedisCommandTimeoutException("Command timed out after 10 second(s)");
            case "rejected" -> new RedisException("Currently not connected. Commands are rejected.");
            default -> new IllegalStateException("wrapped", new IOException("Connection reset by peer"));
        };
        assertThat(RedisFailure.classify(new RuntimeException("outer", failure))).isEqualTo(expected);
    }
}
