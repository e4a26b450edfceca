package io.sluice.server.store;

/** How a GET's fetch size is counted ({@code canal.instance.memory.batch.mode}). */
public enum BatchMode {
    /** fetch size = number of entries. */
    ITEMSIZE,
    /** fetch size = units of {@code memunit} bytes of serialized entries (canal's shipped default). */
    MEMSIZE
}
