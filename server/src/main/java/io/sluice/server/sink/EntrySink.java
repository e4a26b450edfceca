package io.sluice.server.sink;

import io.sluice.server.entry.ParsedEntry;
import java.util.List;

/**
 * Where a parser hands its entries: in order, several at a time (a transaction or a part of one), never one
 * hand-off per entry. Implementations filter, transform, serialize and put into a store; {@code put} blocks
 * while the store is full, which stops the parser reading the binlog socket (backpressure to the master).
 */
public interface EntrySink {

    void put(List<ParsedEntry> entries) throws InterruptedException;
}
