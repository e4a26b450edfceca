package io.sluice.protocol.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.packet.CanalPacket;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Byte-exact frames canal's server sends, as measured with protobuf-java 3.6.1 (CANAL-PROTOCOL.md §1.4). */
class CanalWireExamplesTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void handshakeBodyMatchesCanals() {
        byte[] body = CanalPacket.Packet.newBuilder().setVersion(1).setType(CanalPacket.PacketType.HANDSHAKE)
                .setBody(CanalPacket.Handshake.newBuilder()
                        .setSeeds(ByteString.copyFrom(HEX.parseHex("0102030405060708"))).build().toByteString())
                .build().toByteArray();
        assertThat(HEX.formatHex(body)).isEqualTo("100118012a0a12080102030405060708");
    }

    @Test
    void emptyAckHasNoBody() {
        byte[] body = CanalPacket.Packet.newBuilder().setVersion(1).setType(CanalPacket.PacketType.ACK).build().toByteArray();
        assertThat(HEX.formatHex(body)).isEqualTo("10011803");
    }

    @Test
    void errorAckCarriesCodeAndMessage() {
        byte[] body = CanalPacket.Packet.newBuilder().setVersion(1).setType(CanalPacket.PacketType.ACK)
                .setBody(CanalPacket.Ack.newBuilder().setErrorCode(400).setErrorMessage("x").build().toByteString())
                .build().toByteArray();
        assertThat(HEX.formatHex(body)).isEqualTo("100118032a06089003120178");
    }

    @Test
    void emptyMessagesHasBatchIdMinusOne() {
        byte[] body = CanalPacket.Packet.newBuilder().setVersion(1).setType(CanalPacket.PacketType.MESSAGES)
                .setBody(CanalPacket.Messages.newBuilder().setBatchId(-1).build().toByteString())
                .build().toByteArray();
        assertThat(HEX.formatHex(body)).isEqualTo("100118072a0b08ffffffffffffffffff01");
    }

    @Test
    void officialClientGetBodyDecodes() throws Exception {
        CanalPacket.Get get = CanalPacket.Get.parseFrom(HEX.parseHex(
                "0a076578616d706c651204313030311864" + "20ffffffffffffffffff01" + "2802" + "3000"));
        assertThat(get.getDestination()).isEqualTo("example");
        assertThat(get.getClientId()).isEqualTo("1001");
        assertThat(get.getFetchSize()).isEqualTo(100);
        assertThat(get.hasTimeout()).isTrue();
        assertThat(get.getTimeout()).isEqualTo(-1);
        assertThat(get.getUnit()).isEqualTo(2);
        assertThat(get.hasAutoAck()).isTrue();
        assertThat(get.getAutoAck()).isFalse();
    }

    @Test
    void absentEntryFieldsReadAsCanalsProto2Defaults() throws Exception {
        CanalEntry.Entry entry = CanalEntry.Entry.parseFrom(new byte[0]);
        assertThat(entry.getEntryType()).isEqualTo(CanalEntry.EntryType.ROWDATA);
        assertThat(entry.getHeader().getVersion()).isEqualTo(1);
        assertThat(entry.getHeader().getSourceType()).isEqualTo(CanalEntry.Type.MYSQL);
        assertThat(entry.getHeader().getEventType()).isEqualTo(CanalEntry.EventType.UPDATE);
        assertThat(CanalEntry.RowChange.getDefaultInstance().getEventType()).isEqualTo(CanalEntry.EventType.UPDATE);
    }

    @Test
    void enumValueZeroIsUnknownToProto2ReadersAndReadsAsDefault() throws Exception {
        // field 2 (entryType) = 0, as a proto3 writer with COMPATIBLEPROTO2=0 would send
        CanalEntry.Entry entry = CanalEntry.Entry.parseFrom(HEX.parseHex("1000"));
        assertThat(entry.hasEntryType()).isFalse();
        assertThat(entry.getEntryType()).isEqualTo(CanalEntry.EntryType.ROWDATA);
    }
}
