package io.sluice.server.ha;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON in a destination's {@code sluice-successor} node during a graceful handover: which standby answered
 * and whether it is ready (its instance started from the final cursors, able to serve).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder(alphabetic = true)
public record SuccessorInfo(String address, boolean ready) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SuccessorInfo fromJson(byte[] data) {
        try {
            return JSON.readValue(data, SuccessorInfo.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a successor node: " + new String(data), e);
        }
    }
}
