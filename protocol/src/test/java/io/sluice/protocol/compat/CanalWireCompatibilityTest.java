package io.sluice.protocol.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.packet.CanalPacket;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message of canal's client protocol and entry model, encoded with Sluice's generated classes and decoded
 * with canal's own (canal.protocol 1.1.8 from Maven Central), and the reverse, with every field set. The
 * comparison walks both descriptors by field number, so a wrong number, type or missing field fails.
 */
class CanalWireCompatibilityTest {

    static Stream<Arguments> messagePairs() {
        return Stream.of(
                pair(CanalPacket.Packet.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalPacket.Packet.class),
                pair(CanalPacket.HeartBeat.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalPacket.HeartBeat.class),
                pair(CanalPacket.Handshake.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalPacket.Handshake.class),
                pair(CanalPacket.ClientAuth.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalPacket.ClientAuth.class),
                pair(CanalPacket.Ack.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalPacket.Ack.class),
                pair(CanalPacket.ClientAck.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalPacket.ClientAck.class),
                pair(CanalPacket.Sub.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalPacket.Sub.class),
                pair(CanalPacket.Unsub.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalPacket.Unsub.class),
                pair(CanalPacket.Get.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalPacket.Get.class),
                pair(CanalPacket.Messages.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalPacket.Messages.class),
                pair(CanalPacket.Dump.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalPacket.Dump.class),
                pair(CanalPacket.ClientRollback.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalPacket.ClientRollback.class),
                pair(CanalEntry.Entry.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalEntry.Entry.class),
                pair(CanalEntry.Header.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalEntry.Header.class),
                pair(CanalEntry.Column.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalEntry.Column.class),
                pair(CanalEntry.RowData.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalEntry.RowData.class),
                pair(CanalEntry.RowChange.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalEntry.RowChange.class),
                pair(CanalEntry.TransactionBegin.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalEntry.TransactionBegin.class),
                pair(CanalEntry.TransactionEnd.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalEntry.TransactionEnd.class),
                pair(CanalEntry.Pair.getDefaultInstance(), com.alibaba.otter.canal.protocol.CanalEntry.Pair.class));
    }

    private static Arguments pair(Message sluice, Class<? extends Message> canal) {
        return Arguments.of(sluice.getDescriptorForType().getName(), sluice, canal);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messagePairs")
    void sameFieldNumbersNamesAndTypes(String name, Message sluice, Class<? extends Message> canalClass) {
        Descriptor ours = sluice.getDescriptorForType();
        Descriptor theirs = canalDescriptor(canalClass);
        assertThat(numbers(ours)).as("field numbers of %s", name).isEqualTo(numbers(theirs));
        for (FieldDescriptor f : ours.getFields()) {
            FieldDescriptor g = theirs.findFieldByNumber(f.getNumber());
            assertThat(g.getName()).as("name of %s.%d", name, f.getNumber()).isEqualTo(f.getName());
            assertThat(g.getType()).as("type of %s.%s", name, f.getName()).isEqualTo(f.getType());
            assertThat(g.isRepeated()).as("repetition of %s.%s", name, f.getName()).isEqualTo(f.isRepeated());
            if (f.getType() == FieldDescriptor.Type.ENUM) {
                assertSameEnum(f.getEnumType(), g.getEnumType());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messagePairs")
    void sluiceEncodedDecodesWithCanalsClasses(String name, Message sluice, Class<? extends Message> canalClass) throws Exception {
        Message filled = fill(sluice.newBuilderForType(), 1).build();
        byte[] bytes = filled.toByteArray();

        Message parsedByCanal = canalParse(canalClass, bytes);
        assertThat(parsedByCanal.getUnknownFields().asMap()).as("every field of %s known to canal", name).isEmpty();
        assertThat(parsedByCanal.toByteArray()).as("canal re-encodes %s to the same bytes", name).isEqualTo(bytes);
        assertSameValues(filled, DynamicMessage.parseFrom(canalDescriptor(canalClass), bytes), name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messagePairs")
    void canalEncodedDecodesWithSluicesClasses(String name, Message sluice, Class<? extends Message> canalClass) throws Exception {
        Message filled = fill(DynamicMessage.newBuilder(canalDescriptor(canalClass)), 2).build();
        byte[] encodedByCanal = canalParse(canalClass, filled.toByteArray()).toByteArray();
        Message decoded = sluice.getParserForType().parseFrom(encodedByCanal);
        assertSameValues(filled, decoded, name);
        assertThat(decoded.getUnknownFields().asMap()).as("no field of %s unknown to Sluice", name).isEmpty();
    }

    /**
     * canal's schema, from its file descriptors. canal's 3.x-era proto3 gencode lacks the has-methods that
     * protobuf-java 4 reflection wants for oneof fields, so its classes are used for parsing and encoding only,
     * and values are compared through its descriptors.
     */
    private static Descriptor canalDescriptor(Class<? extends Message> canalClass) {
        FileDescriptor file = canalClass.getEnclosingClass() == com.alibaba.otter.canal.protocol.CanalPacket.class
                ? com.alibaba.otter.canal.protocol.CanalPacket.getDescriptor()
                : com.alibaba.otter.canal.protocol.CanalEntry.getDescriptor();
        return file.findMessageTypeByName(canalClass.getSimpleName());
    }

    private static Message canalParse(Class<? extends Message> canalClass, byte[] bytes) throws Exception {
        return (Message) canalClass.getMethod("parseFrom", byte[].class).invoke(null, (Object) bytes);
    }

    private static List<Integer> numbers(Descriptor d) {
        return d.getFields().stream().map(FieldDescriptor::getNumber).sorted().toList();
    }

    private static void assertSameEnum(EnumDescriptor ours, EnumDescriptor theirs) {
        assertThat(ours.getValues().stream().map(v -> v.getName() + "=" + v.getNumber()).toList())
                .as("enum %s", ours.getName())
                .isEqualTo(theirs.getValues().stream().map(v -> v.getName() + "=" + v.getNumber()).toList());
    }

    /** Sets every field, recursively, to a value that differs from its default; repeated fields get two. */
    private static Message.Builder fill(Message.Builder b, int seed) {
        for (FieldDescriptor f : b.getDescriptorForType().getFields()) {
            int copies = f.isRepeated() ? 2 : 1;
            for (int i = 0; i < copies; i++) {
                Object v = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                        ? fill(b.newBuilderForField(f), seed + i + f.getNumber()).build()
                        : value(f, seed + i);
                if (f.isRepeated()) {
                    b.addRepeatedField(f, v);
                } else {
                    b.setField(f, v);
                }
            }
        }
        return b;
    }

    private static Object value(FieldDescriptor f, int seed) {
        int n = f.getNumber() * 31 + seed;
        return switch (f.getJavaType()) {
            case INT -> n * 1000 + 7;
            case LONG -> (long) n * 10_000_000_000L + 3;
            case BOOLEAN -> true;
            case STRING -> f.getName() + "-" + n + "-\u00e9\uD83D\uDE00";
            case BYTE_STRING -> ByteString.copyFrom(new byte[] {0, (byte) n, (byte) 0xff, 17});
            case ENUM -> {
                List<EnumValueDescriptor> values = f.getEnumType().getValues();
                yield values.get(values.size() - 1 - (seed % (values.size() - 1)));
            }
            default -> throw new IllegalStateException("unexpected field type " + f);
        };
    }

    private static void assertSameValues(Message expected, Message actual, String path) {
        for (FieldDescriptor f : expected.getDescriptorForType().getFields()) {
            FieldDescriptor g = actual.getDescriptorForType().findFieldByNumber(f.getNumber());
            String where = path + "." + f.getName();
            if (f.isRepeated()) {
                assertThat(actual.getRepeatedFieldCount(g)).as(where).isEqualTo(expected.getRepeatedFieldCount(f));
                for (int i = 0; i < expected.getRepeatedFieldCount(f); i++) {
                    assertSameValue(f, expected.getRepeatedField(f, i), actual.getRepeatedField(g, i), where + "[" + i + "]");
                }
            } else {
                assertThat(actual.hasField(g)).as("%s present", where).isEqualTo(expected.hasField(f));
                assertSameValue(f, expected.getField(f), actual.getField(g), where);
            }
        }
    }

    private static void assertSameValue(FieldDescriptor f, Object expected, Object actual, String where) {
        switch (f.getJavaType()) {
            case MESSAGE -> assertSameValues((Message) expected, (Message) actual, where);
            case ENUM -> assertThat(((EnumValueDescriptor) actual).getNumber()).as(where)
                    .isEqualTo(((EnumValueDescriptor) expected).getNumber());
            default -> assertThat(actual).as(where).isEqualTo(expected);
        }
    }
}
