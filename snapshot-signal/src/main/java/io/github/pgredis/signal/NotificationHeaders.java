package io.github.pgredis.signal;

/**
 * The headers that the scheduler plugin's {@code SnapshotNotificationPosition} transform adds to Debezium's
 * notification records, and that the sink reads: the source position at which Debezium sent the notification.
 */
public final class NotificationHeaders {
    /** Debezium PostgreSQL's {@code lsn_commit} offset: the LSN of the last commit it had streamed. */
    public static final String COMMIT_LSN = "pgredis.notification.lsn_commit";

    private NotificationHeaders() {
    }
}
