package io.sluice.server.entry;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireBufferTest {

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 127, 128, 300, 16_383, 16_384, 2_097_151, 2_097_152})
    void aLengthFixedAfterTheContentIsWhatProtobufWrites(int size) throws Exception {
        byte[] content = new byte[size];
        Arrays.fill(content, (byte) 7);
        WireBuffer w = new WireBuffer(16);
        w.writeInt64(1, 42);
        int start = w.beginLengthDelimited(12, 2);
        w.writeRaw(content);
        w.endLengthDelimited(start, 2);
        w.writeBool(10, true);

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(expected);
        out.writeInt64(1, 42);
        out.writeByteArray(12, content);
        out.writeBool(10, true);
        out.flush();
        assertThat(w.toByteArray()).isEqualTo(expected.toByteArray());
        CodedInputStream in = CodedInputStream.newInstance(w.toByteArray());
        in.readTag();
        in.readInt64();
        in.readTag();
        assertThat(in.readByteArray()).hasSize(size);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {0, 1, 127, 128, 16_384, Integer.MAX_VALUE, -1, -7, Integer.MIN_VALUE})
    void int32AndVarintsMatchProtobuf(int v) throws Exception {
        WireBuffer w = new WireBuffer(1);
        w.writeEnum(2, v);
        w.reserve(5);
        if (v >= 0) {
            w.putVarint32(v);
        }
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(expected);
        out.writeEnum(2, v);
        if (v >= 0) {
            out.writeUInt32NoTag(v);
        }
        out.flush();
        assertThat(w.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(WireBuffer.int32Size(v)).isEqualTo(CodedOutputStream.computeInt32SizeNoTag(v));
    }
}
