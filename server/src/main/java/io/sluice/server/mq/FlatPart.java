package io.sluice.server.mq;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One FlatMessage JSON as built for one entry (or for the rows of one entry that go to one partition), with where
 * its {@code data} and {@code old} arrays lie in the bytes, so that {@link FlatMessageMerger} can splice the rows
 * of several such messages into one without reading them again.
 *
 * <p>Every FlatMessage starts with {@code {"data":} (keys are in alphabetical order); a message with rows has its
 * data array's {@code [} at {@link #DATA_OPEN} from its start. The message is {@code json[from, to)}: the direct
 * writer writes a batch's messages one after the other into one buffer, copied out once, when published.
 * The other indices are into {@code json} as well.
 *
 * @param dataClose index of the data array's closing {@code ]}; -1 for a message without rows (DDL, other
 *                  statements), which is never merged
 * @param oldFrom   index where the value of {@code old} starts ({@code [} or {@code null})
 * @param oldTo     index just after that value
 */
record FlatPart(String topic, int partition, byte[] json, int from, int to, int dataClose, int oldFrom, int oldTo) {

    static final int DATA_OPEN = "{\"data\":".length();

    private static final byte[] OLD_KEY = "\"old\"".getBytes(StandardCharsets.US_ASCII);

    boolean hasRows() {
        return dataClose >= 0;
    }

    int length() {
        return to - from;
    }

    /** Index of the data array's {@code [}. */
    int dataOpen() {
        return from + DATA_OPEN;
    }

    boolean oldIsArray() {
        return json[oldFrom] == '[';
    }

    /** The message for the broker, in an array of its own: the writer's buffer is reused for the next batch. */
    MqMessage message() {
        return new MqMessage(topic, partition, Arrays.copyOfRange(json, from, to));
    }

    /** A message without rows: published as it is, never merged. */
    static FlatPart statement(String topic, int partition, byte[] json, int from, int to) {
        return new FlatPart(topic, partition, json, from, to, -1, -1, -1);
    }

    /**
     * The part of a message encoded by the object path ({@code FlatMessageCodec}): the arrays are found by reading
     * the JSON's top level (the direct writer knows them as it writes).
     */
    static FlatPart scan(String topic, int partition, byte[] json) {
        if (json.length <= DATA_OPEN || json[DATA_OPEN] != '[') {
            return statement(topic, partition, json, 0, json.length);
        }
        int p = skipValue(json, DATA_OPEN);
        int dataClose = p - 1;
        while (p < json.length && json[p] == ',') {
            int keyFrom = p + 1;
            int keyTo = skipValue(json, keyFrom);
            int valueFrom = keyTo + 1; // past ':'
            int valueTo = skipValue(json, valueFrom);
            if (Arrays.equals(json, keyFrom, keyTo, OLD_KEY, 0, OLD_KEY.length)) {
                return new FlatPart(topic, partition, json, 0, json.length, dataClose, valueFrom, valueTo);
            }
            p = valueTo;
        }
        return statement(topic, partition, json, 0, json.length); // no "old": not a FlatMessage this class knows how to merge
    }

    /** The index just after the JSON value starting at {@code p} (compact JSON, as Jackson writes it). */
    private static int skipValue(byte[] s, int p) {
        int depth = 0;
        boolean inString = false;
        for (int i = p; i < s.length; i++) {
            byte b = s[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '[' || b == '{') {
                depth++;
            } else if (b == ']' || b == '}') {
                if (depth == 0) {
                    return i; // the end of a literal inside the enclosing container
                }
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            } else if (b == ',' && depth == 0) {
                return i;
            }
        }
        return s.length;
    }
}
