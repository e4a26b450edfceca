package io.sluice.server.mq;

/**
 * Kafka fenced this publisher's transactional producer: another producer with the same {@code transactional.id}
 * (a newer server for the destination, or a second one configured alike) took over. Publishing more from here
 * could only repeat or reorder what the other one writes, so the publisher stops.
 */
public class PublisherFencedException extends RuntimeException {

    public PublisherFencedException(String message, Throwable cause) {
        super(message, cause);
    }
}
