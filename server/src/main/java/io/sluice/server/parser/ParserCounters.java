package io.sluice.server.parser;

import io.sluice.server.position.BinlogPosition;

/** Written by the parser thread only; read by status snapshots from any thread. */
final class ParserCounters {

    volatile long rows;
    volatile long transactions;
    volatile long lastEventMillis;
    volatile BinlogPosition position;
    volatile long reconnects;
}
