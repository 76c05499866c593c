package io.github.pgredis.sink.errors;

/**
 * A problem of one record (undecodable, no usable key, unrenderable value, a Redis key of another type). It is sent
 * to the dead-letter queue, or fails the task when errors are not tolerated; it never costs other records.
 */
public final class RecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RecordException(String message) {
        super(message);
    }

    public RecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
