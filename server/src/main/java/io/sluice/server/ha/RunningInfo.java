package io.sluice.server.ha;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON in a destination's {@code running} node, as canal writes it ({@code {"active":true,"address":"ip:port"}})
 * and as canal's {@code ClusterCanalConnector} reads it. Unknown keys (e.g. canal 1.0's {@code cid}) are ignored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder(alphabetic = true)
public record RunningInfo(boolean active, String address) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RunningInfo fromJson(byte[] data) {
        try {
            return JSON.readValue(data, RunningInfo.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("running node is not canal's running JSON: " + new String(data), e);
        }
    }
}
