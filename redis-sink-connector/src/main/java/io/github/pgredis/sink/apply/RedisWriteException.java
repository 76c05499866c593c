package io.github.pgredis.sink.apply;

/**
 * A write Redis failed for a reason that is not the record's own, naming the key and record; the cause is Redis's
 * failure, which {@link io.github.pgredis.sink.errors.RedisFailure#classify} decides on.
 */
public final class RedisWriteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RedisWriteException(String message, RuntimeException cause) {
        super(message, cause);
    }
}
