package io.sluice.server.parser.value;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonDiffsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One diff in MySQL's Json_diff binary layout: operation, length-encoded path, length-encoded binary value. */
    private static void diff(ByteArrayOutputStream out, int op, String path, byte[] value) {
        out.write(op);
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        out.write(p.length);
        out.writeBytes(p);
        if (value != null) {
            out.write(value.length);
            out.writeBytes(value);
        }
    }

    private static byte[] int16(int v) {
        return new byte[] {0x05, (byte) v, (byte) (v >> 8)};
    }

    private static byte[] string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[2 + b.length];
        out[0] = 0x0C;
        out[1] = (byte) b.length;
        System.arraycopy(b, 0, out, 2, b.length);
        return out;
    }

    @Test
    void diffsAppliedToTheBeforeDocumentGiveTheNewDocument() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        diff(out, 0, "$.age", int16(26));
        diff(out, 1, "$.tags[1]", string("new"));
        diff(out, 1, "$.\"nick name\"", string("jo"));
        diff(out, 2, "$.gone", null);
        byte[] bytes = out.toByteArray();
        JsonDiffs diffs = JsonDiffs.parse(bytes, 0, bytes.length);
        JsonNode before = JSON.readTree("{\"age\": 25, \"tags\": [\"a\", \"b\"], \"gone\": true, \"name\": \"Joe\"}");
        assertThat(JsonText.write(diffs.applyTo(before)))
                .isEqualTo("{\"age\": 26, \"tags\": [\"a\", \"new\", \"b\"], \"name\": \"Joe\", \"nick name\": \"jo\"}");
        assertThat(before.get("age").asInt()).as("the before document is not changed").isEqualTo(25);
        assertThat(diffs.expression("doc")).isEqualTo("JSON_REMOVE(JSON_INSERT(JSON_ARRAY_INSERT(JSON_REPLACE(doc, "
                + "'$.age', 26), '$.tags[1]', \"new\"), '$.\"nick name\"', \"jo\"), '$.gone')");
    }

    @Test
    void textIsWrittenTheWayMysqlPrintsJson() throws Exception {
        assertThat(JsonText.write(JSON.readTree("{\"a\":[1,true,null],\"s\":\"q\\\"\\n\"}")))
                .isEqualTo("{\"a\": [1, true, null], \"s\": \"q\\\"\\n\"}");
        assertThat(JsonText.doubleText(1.5e10)).isEqualTo("15000000000.0");
        assertThat(JsonText.doubleText(1e300)).isEqualTo("1e300");
        assertThat(JsonText.doubleText(0.1)).isEqualTo("0.1");
    }
}
