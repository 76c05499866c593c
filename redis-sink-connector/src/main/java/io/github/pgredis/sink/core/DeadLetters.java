package io.github.pgredis.sink.core;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.pgredis.sink.apply.BatchOutcome.Failed;

/**
 * Sends records that failed on their own to Connect's errant record reporter (the dead-letter queue), keeping the
 * acknowledgement of each; without error tolerance the first one fails the task instead.
 */
final class DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final ErrantRecordReporter reporter;
    private final boolean tolerated;

    /** {@code reporter} is null when the worker has none for this connector. */
    DeadLetters(ErrantRecordReporter reporter, boolean tolerated) {
        this.reporter = reporter;
        this.tolerated = tolerated;
    }

    List<OffsetLedger.DeadLetter> report(List<Failed> failed) {
        if (failed.isEmpty()) {
            return List.of();
        }
        if (!tolerated || reporter == null) {
            Failed first = failed.get(0);
            String why = tolerated ? "the worker gave this task no errant record reporter"
                    : "errors.tolerance is none";
            throw new ConnectException(first.error().getMessage() + " (" + why + "; with errors.tolerance=all and "
                    + "errors.deadletterqueue.topic.name the record goes to the dead-letter queue and the sink goes "
                    + "on)", first.error());
        }
        List<OffsetLedger.DeadLetter> sent = new ArrayList<>(failed.size());
        for (Failed failure : failed) {
            sent.add(new OffsetLedger.DeadLetter(failure.record(), reporter.report(failure.record(), failure.error())));
        }
        log.warn("{} records of the batch sent to the error reporter; first: {}", failed.size(),
                failed.get(0).error().getMessage());
        return sent;
    }
}
