package io.sluice.protocol.flat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON encoding of {@link FlatMessage}; thread-safe. */
public final class FlatMessageCodec {

    private final ObjectWriter writer;
    private final ObjectReader reader;

    public FlatMessageCodec() {
        ObjectMapper mapper = new ObjectMapper()
                // canal-adapter and Flink ignore keys they do not know; so does Sluice when reading.
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        this.writer = mapper.writerFor(FlatMessage.class);
        this.reader = mapper.readerFor(FlatMessage.class);
    }

    public byte[] encode(FlatMessage message) {
        try {
            return writer.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode FlatMessage " + message.database() + "." + message.table(), e);
        }
    }

    public String encodeToString(FlatMessage message) {
        try {
            return writer.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode FlatMessage " + message.database() + "." + message.table(), e);
        }
    }

    public FlatMessage decode(byte[] json) {
        try {
            return reader.readValue(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not a FlatMessage: " + e.getMessage(), e);
        }
    }
}
