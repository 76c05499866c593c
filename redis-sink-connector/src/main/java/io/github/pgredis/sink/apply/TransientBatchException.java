package io.github.pgredis.sink.apply;

import io.github.pgredis.sink.errors.RedisFailure;

/** Redis could not take the batch for a reason that passes; the whole batch is retried. */
public final class TransientBatchException extends RuntimeException {
    private final RedisFailure failure;

    public TransientBatchException(RedisFailure failure, RuntimeException cause) {
        super(cause.getMessage(), cause);
        this.failure = failure;
    }

    public RedisFailure failure() {
        return failure;
    }
}
