package io.sluice.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import io.sluice.protocol.entry.CanalEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One GET result: canal's batch id (-1 = empty) and its entries. The raw entry bytes are always there (they alias
 * the received frame, no copy); {@link #entries()} parses them, at receive time unless the connector parses lazily.
 */
public final class Message {

    private final long id;
    private final List<ByteString> rawEntries;
    private final long session;
    private volatile List<CanalEntry.Entry> entries;

    Message(long id, List<ByteString> rawEntries, long session) {
        this.id = id;
        this.rawEntries = Collections.unmodifiableList(rawEntries);
        this.session = session;
    }

    public long id() {
        return id;
    }

    public boolean isEmpty() {
        return rawEntries.isEmpty();
    }

    public int size() {
        return rawEntries.size();
    }

    /**
     * Each element is one serialized {@code CanalEntry.Entry}, a view of the received frame (as is every parsed
     * entry's {@code storeValue}): holding any of them holds the whole batch in memory.
     */
    public List<ByteString> rawEntries() {
        return rawEntries;
    }

    /**
     * The entries, parsed on first use when lazy.
     *
     * @throws SluiceClientException if an entry is not a valid {@code Entry}
     */
    public List<CanalEntry.Entry> entries() {
        List<CanalEntry.Entry> parsed = entries;
        if (parsed == null) {
            parsed = parse(rawEntries);
            entries = parsed;
        }
        return parsed;
    }

    /** Which connector session delivered it; an ack from an ended session is not sent (the batch comes again). */
    long session() {
        return session;
    }

    private static List<CanalEntry.Entry> parse(List<ByteString> raw) {
        List<CanalEntry.Entry> out = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            try {
                // aliasing: storeValue (most of an entry) stays a view of the received frame instead of a copy
                CodedInputStream in = raw.get(i).newCodedInput();
                in.enableAliasing(true);
                out.add(CanalEntry.Entry.parseFrom(in));
            } catch (IOException e) {
                throw new SluiceClientException("entry " + i + " of the batch is not a canal Entry", e);
            }
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public String toString() {
        return "Message[id=" + id + ", entries=" + rawEntries.size() + "]";
    }
}
