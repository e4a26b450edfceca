package io.sluice.server.metrics;

import io.sluice.server.instance.ClientStatus;
import java.util.List;

/**
 * A point-in-time view of one destination on this server, read at each scrape or status request. Counters are
 * totals since the server started.
 *
 * @param destination      destination name
 * @param state            RUNNING, STANDBY (another server runs it), STOPPED or FAILED
 * @param activeServer     address of the server running it (this one, or the HA owner), "" when unknown
 * @param position         last position parsed, e.g. {@code mysql-bin.000003:4567}
 * @param ackedPosition    the oldest client ack (where a restart resumes), "" when none
 * @param delayMillis      how far the last parsed event lies behind the master's clock (events and heartbeats)
 * @param lastError        the last error of the source, "" when none
 * @param clients          each subscribed client id with its lag (empty when not running here)
 */
public record DestinationStats(
        String destination,
        String state,
        String activeServer,
        String position,
        String ackedPosition,
        long delayMillis,
        long rowsParsed,
        long transactionsParsed,
        long entriesParsed,
        long sourceReconnects,
        long storeEntries,
        long storeBytes,
        long storeCapacityEntries,
        long storeCapacityBytes,
        long putSequence,
        long ackSequence,
        long clientGets,
        long clientAcks,
        long clientRollbacks,
        String lastError,
        List<ClientStatus> clients) {

    public DestinationStats {
        clients = clients == null ? List.of() : List.copyOf(clients);
    }

    /** Without client details (a destination not running here). */
    public DestinationStats(String destination, String state, String activeServer, String position,
                            String ackedPosition, long delayMillis, long rowsParsed, long transactionsParsed,
                            long entriesParsed, long sourceReconnects, long storeEntries, long storeBytes,
                            long storeCapacityEntries, long storeCapacityBytes, long putSequence, long ackSequence,
                            long clientGets, long clientAcks, long clientRollbacks, String lastError) {
        this(destination, state, activeServer, position, ackedPosition, delayMillis, rowsParsed, transactionsParsed,
                entriesParsed, sourceReconnects, storeEntries, storeBytes, storeCapacityEntries, storeCapacityBytes,
                putSequence, ackSequence, clientGets, clientAcks, clientRollbacks, lastError, List.of());
    }
}
