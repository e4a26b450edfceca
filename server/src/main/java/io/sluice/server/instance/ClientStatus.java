package io.sluice.server.instance;

/**
 * One client id of a running destination as operators see it ({@code bin/clients.sh}, {@code /status}, metrics).
 *
 * @param clientId           the id (below 0: a peek)
 * @param kind               {@code client} (holds the store until it acks) or {@code peek} (follows; never makes
 *                           the store wait)
 * @param filter             its subscribe filter, "" = none
 * @param ackedPosition      canal's cursor of its last ack, "" before its first ack
 * @param lagEntries         entries in the store that it has not acked
 * @param lagBytes           their bytes
 * @param lagSeconds         how long the oldest entry it has not acked has been in the store (0 when caught up)
 * @param lastRequest        when it last subscribed, fetched, acked or rolled back (ISO-8601 UTC); for an id
 *                           loaded from meta at start and not heard from since, the start time
 * @param idleSeconds        seconds since then; 0 while a fetch of it is waiting on the store
 * @param outstandingBatches batches handed out and not acked
 * @param holdsStore         the store cannot free anything until this id acks (it is the oldest holder)
 * @param skippedEntries     for a peek: entries freed before it read them
 */
public record ClientStatus(int clientId, String kind, String filter, String ackedPosition, long lagEntries,
                           long lagBytes, long lagSeconds, String lastRequest, long idleSeconds,
                           int outstandingBatches, boolean holdsStore, long skippedEntries) {

    public boolean isPeek() {
        return clientId < 0;
    }
}
