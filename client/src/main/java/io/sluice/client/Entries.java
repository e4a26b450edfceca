package io.sluice.client;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.sluice.protocol.entry.CanalEntry;
import java.io.IOException;

/** Reading the payload of entries received from Sluice (or canal). */
public final class Entries {

    private Entries() {
    }

    /**
     * The {@code RowChange} of a ROWDATA entry: {@code CanalEntry.RowChange.parseFrom(entry.getStoreValue())}, but
     * every name and value stays a view of the received bytes instead of a copy (protobuf's aliasing), which
     * roughly halves what parsing a batch costs. Values are decoded to Strings when read, as with a plain parse.
     * The parsed change holds the whole received batch in memory while it lives.
     *
     * @throws InvalidProtocolBufferException if the payload is not a RowChange
     */
    public static CanalEntry.RowChange rowChange(CanalEntry.Entry entry) throws InvalidProtocolBufferException {
        CodedInputStream in = entry.getStoreValue().newCodedInput();
        in.enableAliasing(true);
        try {
            return CanalEntry.RowChange.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
    }
}
