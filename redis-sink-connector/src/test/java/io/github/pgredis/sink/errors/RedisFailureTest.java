package io.github.pgredis.sink.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;

class RedisFailureTest {

    /** Every error reply the sink can meet, with its outcome: the table in docs/architecture.md. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "LOADING Redis is loading the dataset in memory|TRANSIENT",
        "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.|TRANSIENT",
        "READONLY You can't write against a read only replica.|TRANSIENT",
        "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.|TRANSIENT",
        "OOM command not allowed when used memory > 'maxmemory'. script: abc|TRANSIENT",
        "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk.|TRANSIENT",
        "TRYAGAIN Multiple keys request during rehashing of slot|TRANSIENT",
        "CLUSTERDOWN The cluster is down|TRANSIENT",
        "NOREPLICAS Not enough good replicas to write.|TRANSIENT",
        "ERR max number of clients reached|TRANSIENT",
        "ERR some reply this sink has never seen|TRANSIENT",
        "MOVED 3999 127.0.0.1:6381|FATAL",
        "ASK 3999 127.0.0.1:6381|FATAL",
        "NOAUTH Authentication required.|FATAL",
        "WRONGPASS invalid username-password pair or user is disabled.|FATAL",
        "NOPERM this user has no permissions to run the 'evalsha' command|FATAL",
        "ERR unknown command 'EVALSHA', with args beginning with: |FATAL",
        "WRONGTYPE key a holds a list, not a row this sink wrote|RECORD",
        "WRONGTYPE key a holds a string that is not a JSON row this sink wrote|RECORD",
        "ERR user_script:40: attempt to index a nil value (field '?')|FATAL",
        "ERR Error running script (call to f_abc): @user_script:12: attempt to index a nil value|FATAL",
        "ERR DB index is out of range|FATAL",
        "ERR Unknown Redis command called from script (raised in apply-change.lua, user_script)|FATAL",
        "ERR @user_script:61: Wrong number of args calling Redis command from script (raised in apply-change.lua, "
            + "user_script)|FATAL",
        "OOM command not allowed when used memory > 'maxmemory'. (raised in apply-change.lua, user_script)|TRANSIENT",
        "WRONGTYPE Operation against a key holding the wrong kind of value (raised in apply-change.lua, "
            + "user_script)|RECORD",
        "ERR apply-change.lua: 4 keys for rows that need 6 (user_script)|FATAL",
        "NOSCRIPT No matching script. Please use EVAL.|SCRIPT_MISSING",
        "RUNID_CHANGED Redis run_id is abc, expected def|SERVER_REPLACED"})
    void classifiesEveryServerReplyByItsCode(String reply, RedisFailure expected) {
        assertThat(RedisFailure.classify(new RedisCommandExecutionException(reply))).isEqualTo(expected);
        assertThat(RedisFailure.classify(new IllegalStateException("wrapped",
                new RedisCommandExecutionException(reply)))).as("wrapped").isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"connection|TRANSIENT", "timeout|TRANSIENT", "rejected|TRANSIENT",
        "closed|TRANSIENT", "reset|TRANSIENT", "refused|TRANSIENT", "handshake|FATAL", "defect|FATAL"})
    void connectionProblemsAreTransientWhereverTheyAreInTheCauseChainAndDefectsFatal(String what,
            RedisFailure expected) {
        RuntimeException failure = switch (what) {
            case "connection" -> new RedisConnectionException("Unable to connect to localhost:1");
            case "timeout" -> new RedisCommandTimeoutException("Command timed out after 10 second(s)");
            case "rejected" -> new RedisException("Currently not connected. Commands are rejected.");
            case "closed" -> new RedisException("Connection closed");
            case "reset" -> new IllegalStateException("wrapped", new IOException("Connection reset by peer"));
            case "refused" -> new RedisConnectionException("Unable to connect", new ConnectException("refused"));
            case "handshake" -> new RedisConnectionException("Unable to connect to localhost:6379",
                    new RedisCommandExecutionException("WRONGPASS invalid username-password pair"));
            default -> new IllegalStateException("Redis INFO server has no run_id");
        };
        assertThat(RedisFailure.classify(new RuntimeException("outer", failure))).isEqualTo(expected);
    }
}
