package io.github.pgredis.sink.errors;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;

/** What a failure of a Redis command means for the batch, decided by walking the cause chain. */
public enum RedisFailure {
    /** The server cannot take writes right now; the batch is retried with backoff, never dropped. */
    TRANSIENT,
    /** The key or value of this one record is at fault; the record goes to the dead-letter queue. */
    RECORD,
    /** The server lost its scripts (restart, SCRIPT FLUSH); they are loaded again and the batch retried. */
    SCRIPT_MISSING,
    /** The server is not the one whose data the sink checked (restart, restore); the sink rewinds. */
    SERVER_REPLACED,
    /** Configuration or permissions are wrong; the task fails with the server's message. */
    FATAL;

    private static final Set<String> TRANSIENT_CODES = Set.of("LOADING", "BUSY", "READONLY", "MASTERDOWN", "OOM",
            "TRYAGAIN", "CLUSTERDOWN", "NOREPLICAS", "MISCONF", "MASTER_LINK_DOWN");
    private static final Set<String> FATAL_CODES = Set.of("NOAUTH", "WRONGPASS", "NOPERM");

    public static RedisFailure classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RedisConnectionException || t instanceof RedisCommandTimeoutException
                    || t instanceof IOException || t instanceof TimeoutException) {
                return TRANSIENT;
            }
            String code = errorCode(t.getMessage());
            if (code == null) {
                continue;
            }
            if (TRANSIENT_CODES.contains(code)) {
                return TRANSIENT;
            }
            if (FATAL_CODES.contains(code)) {
                return FATAL;
            }
            switch (code) {
                case "NOSCRIPT" -> {
                    return SCRIPT_MISSING;
                }
                case "RUNID_CHANGED" -> {
                    return SERVER_REPLACED;
                }
                case "WRONGTYPE" -> {
                    return RECORD;
                }
                default -> {
                }
            }
            if (t instanceof RedisException && isDisconnect(t.getMessage())) {
                return TRANSIENT;
            }
        }
        return isScriptDataError(failure) ? RECORD : FATAL;
    }

    /** The leading upper-case word of a Redis error reply, such as OOM or WRONGTYPE. */
    private static String errorCode(String message) {
        if (message == null) {
            return null;
        }
        int end = 0;
        while (end < message.length() && (Character.isUpperCase(message.charAt(end)) || message.charAt(end) == '_')) {
            end++;
        }
        return end == 0 ? null : message.substring(0, end);
    }

    private static boolean isDisconnect(String message) {
        return message != null && (message.contains("not connected") || message.contains("Connection closed")
                || message.contains("connection reset") || message.contains("Connection reset"));
    }

    /** Our script failing on a row's stored value (for example JSON that cjson cannot read) is the record's fault. */
    private static boolean isScriptDataError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.startsWith("ERR") && message.contains("user_script")) {
                return true;
            }
        }
        return false;
    }
}
