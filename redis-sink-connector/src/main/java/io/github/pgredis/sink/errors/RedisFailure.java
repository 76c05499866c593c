package io.github.pgredis.sink.errors;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;

/**
 * What a failure met while talking to Redis means for the sink. {@link #classify} is the one place that decides it,
 * for every command the sink sends; docs/architecture.md has the table.
 */
public enum RedisFailure {
    /** The server cannot take writes right now; the batch is retried with backoff, never dropped. */
    TRANSIENT,
    /** The key or value of this one record is at fault; the record goes to the dead-letter queue. */
    RECORD,
    /** The server lost its scripts (restart, SCRIPT FLUSH); they are loaded again and the batch retried. */
    SCRIPT_MISSING,
    /** The server is not the one whose data the sink checked (restart, restore); the sink rewinds. */
    SERVER_REPLACED,
    /** Configuration, permissions or a defect: retrying cannot help; the task fails with the server's message. */
    FATAL;

    private static final Map<String, RedisFailure> BY_ERROR_CODE = Map.ofEntries(
            Map.entry("LOADING", TRANSIENT), Map.entry("BUSY", TRANSIENT), Map.entry("READONLY", TRANSIENT),
            Map.entry("MASTERDOWN", TRANSIENT), Map.entry("OOM", TRANSIENT), Map.entry("MISCONF", TRANSIENT),
            Map.entry("TRYAGAIN", TRANSIENT), Map.entry("CLUSTERDOWN", TRANSIENT),
            Map.entry("NOREPLICAS", TRANSIENT),
            Map.entry("WRONGTYPE", RECORD),
            Map.entry("NOSCRIPT", SCRIPT_MISSING),
            Map.entry("RUNID_CHANGED", SERVER_REPLACED), Map.entry("FEEDGAP", FATAL), Map.entry("FEEDTYPE", FATAL),
            Map.entry("NOAUTH", FATAL), Map.entry("WRONGPASS", FATAL), Map.entry("NOPERM", FATAL),
            // a standalone connection to a Redis Cluster node: the URI names the wrong kind of server
            Map.entry("MOVED", FATAL), Map.entry("ASK", FATAL));

    /**
     * Walks the cause chain to the first Redis error reply or connection problem. Error replies are decided by
     * their code (the first word); an unknown reply is transient, so a server condition this table does not know
     * yet stalls the sink visibly (retries, consumer lag, {@code retry.timeout.ms}) instead of failing it or
     * dropping data. Anything that is not Redis's is a defect of ours and fatal.
     */
    public static RedisFailure classify(Throwable failure) {
        // a reply first, wherever it is: Lettuce wraps a refused handshake (WRONGPASS) in a connection exception
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RedisCommandExecutionException reply) {
                return ofReply(reply.getMessage());
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RedisConnectionException || t instanceof RedisCommandTimeoutException
                    || t instanceof RedisCommandInterruptedException || t instanceof IOException
                    || t instanceof TimeoutException) {
                return TRANSIENT;
            }
            if (t instanceof RedisException && t.getCause() == null) {
                // the client's own state: "Connection closed", "Currently not connected. Commands are rejected."
                return TRANSIENT;
            }
        }
        return FATAL;
    }

    /** The outcome of one error reply of the server, such as {@code OOM command not allowed ...}. */
    static RedisFailure ofReply(String reply) {
        String message = reply == null ? "" : reply;
        int space = message.indexOf(' ');
        String code = space < 0 ? message : message.substring(0, space);
        RedisFailure known = BY_ERROR_CODE.get(code);
        if (known != null) {
            return known;
        }
        if (code.equals("ERR")) {
            if (message.contains("max number of clients")) {
                return TRANSIENT;
            }
            if (message.contains("user_script") || message.contains("Error running script")
                    || message.startsWith("ERR unknown command") || message.startsWith("ERR DB index")) {
                // a defect of our scripts (they name a record's own faults with WRONGTYPE), a renamed or
                // disabled command, or a database the server does not have: retrying cannot help
                return FATAL;
            }
        }
        return TRANSIENT;
    }
}
