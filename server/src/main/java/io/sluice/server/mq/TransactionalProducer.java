package io.sluice.server.mq;

import io.sluice.server.position.SourcePositions;
import java.util.List;

/**
 * A producer that writes a batch and the position it reaches atomically, and reads that position back: the
 * exactly-once mode's publisher commits one batch at a time and skips, after a restart, every entry the
 * committed position covers.
 */
public interface TransactionalProducer extends MqProducer {

    /**
     * Opens the producer (fencing any earlier one with the same id, whose open transaction is aborted) and
     * reads the last committed position of the destination.
     *
     * @return {@link SourcePositions#NONE} when nothing was committed yet
     * @throws PublishException          when the broker cannot be reached now
     * @throws PublisherFencedException  when a newer producer took over
     */
    SourcePositions committedPositions() throws InterruptedException;

    /**
     * Writes the messages and the position record in one transaction and returns once it is committed.
     *
     * @throws PublishException         when the transaction is not committed; nothing of it is visible to
     *                                  {@code read_committed} consumers (the producer is reopened and the committed
     *                                  position must be read again: a commit whose answer was lost may have succeeded)
     * @throws PublisherFencedException when a newer producer took over
     */
    void commit(List<MqMessage> messages, SourcePositions reached) throws InterruptedException;

    @Override
    default int maxUnconfirmedSends() {
        return 1;
    }
}
