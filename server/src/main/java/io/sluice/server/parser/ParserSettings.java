package io.sluice.server.parser;

import io.sluice.server.parser.value.ValueOptions;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the binlog parser of one destination is configured with; each field names the canal
 * {@code instance.properties} key it comes from (CANAL-PROTOCOL.md §6.3).
 *
 * @param destination          {@code canal.destinations} item; names threads, logs and the default slave id
 * @param host                 {@code canal.instance.master.address} host
 * @param port                 {@code canal.instance.master.address} port
 * @param username             {@code canal.instance.dbUsername}
 * @param password             {@code canal.instance.dbPassword} (never logged)
 * @param binlogImages         {@code canal.instance.binlog.image}: the master's {@code binlog_row_image} must be
 *                             one of these (upper case; default all three)
 * @param receiveBufferSize    {@code canal.instance.network.receiveBufferSize} for the replication socket; 0 = the
 *                             operating system's automatic sizing
 * @param sendBufferSize       {@code canal.instance.network.sendBufferSize}, likewise
 * @param autoResetToLatest    {@code canal.auto.reset.latest.pos.mode}: a start position no longer on the master
 *                             continues from the master's current position (logged as an ERROR: what lies
 *                             between is lost) instead of stopping the parser
 * @param defaultDatabase      {@code canal.instance.defaultDatabaseName}; may be empty
 * @param slaveId              {@code canal.instance.mysql.slaveId}; ≤ 0 derives one as canal does
 * @param gtidMode             {@code canal.instance.gtidon}: dump and resume by GTID set, fill {@code Header.gtid}
 * @param journalName          {@code canal.instance.master.journal.name}; first start only; may be empty
 * @param journalPosition      {@code canal.instance.master.position}; -1 when not set
 * @param journalTimestamp     {@code canal.instance.master.timestamp} in ms; -1 when not set
 * @param journalGtid          {@code canal.instance.master.gtid}; may be empty
 * @param connectionCharset    {@code canal.instance.connectionCharset}: statements, identifiers, and text
 *                             columns whose charset nothing else names
 * @param timeZone             zone TIMESTAMP values are printed in (default: the JVM's, as canal)
 * @param canalCompatibleValues {@code sluice.values.canal-compatible}
 * @param heartbeatPeriod      master heartbeat period ({@code MASTER_HEARTBEAT_PERIOD}); zero disables
 * @param connectTimeout       TCP connect and login timeout
 * @param readTimeout          a connection without any event for this long is considered dead (should be
 *                             several heartbeat periods)
 * @param reconnectMin         first reconnect delay
 * @param reconnectMax         reconnect delays double up to this
 * @param transactionSize      {@code canal.instance.transaction.size}: entries per sink hand-off of a large
 *                             transaction
 * @param transport            how the replication stream and every SQL connection to this master are carried:
 *                             {@code canal.instance.master.sslMode} and friends, as the wiring built them
 */
public record ParserSettings(String destination, String host, int port, String username, String password,
                             Set<String> binlogImages, int receiveBufferSize, int sendBufferSize,
                             boolean autoResetToLatest,
                             String defaultDatabase, long slaveId, boolean gtidMode, String journalName,
                             long journalPosition, long journalTimestamp, String journalGtid,
                             Charset connectionCharset, ZoneId timeZone, boolean canalCompatibleValues,
                             Duration heartbeatPeriod, Duration connectTimeout, Duration readTimeout,
                             Duration reconnectMin, Duration reconnectMax, int transactionSize,
                             MasterTransport transport) {

    public ParserSettings {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(host, "host");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("canal.instance.master.address: invalid port " + port);
        }
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        defaultDatabase = defaultDatabase == null ? "" : defaultDatabase;
        binlogImages = binlogImages == null || binlogImages.isEmpty() ? ALL_IMAGES : Set.copyOf(binlogImages);
        journalName = journalName == null ? "" : journalName.trim();
        journalGtid = journalGtid == null ? "" : journalGtid.trim();
        connectionCharset = connectionCharset == null ? StandardCharsets.UTF_8 : connectionCharset;
        timeZone = timeZone == null ? ZoneId.systemDefault() : timeZone;
        heartbeatPeriod = heartbeatPeriod == null ? Duration.ofSeconds(15) : heartbeatPeriod;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        readTimeout = readTimeout == null ? heartbeatPeriod.multipliedBy(4).plusSeconds(5) : readTimeout;
        reconnectMin = reconnectMin == null ? Duration.ofMillis(500) : reconnectMin;
        reconnectMax = reconnectMax == null ? Duration.ofSeconds(30) : reconnectMax;
        if (transactionSize <= 0) {
            transactionSize = TransactionBuffer.DEFAULT_CHUNK;
        }
        // no silent default: a plain connection must be one the wiring chose (it carries canal's DISABLED rules)
        Objects.requireNonNull(transport, "transport (MasterTls of the instance's sslMode, or MasterTls.disabled)");
    }

    /** Every {@code binlog_row_image}: canal's default for {@code canal.instance.binlog.image}. */
    public static final Set<String> ALL_IMAGES = Set.of("FULL", "MINIMAL", "NOBLOB");

    /** Defaults for everything but the master and account. */
    public static Builder builder(String destination, String host, int port, String username, String password) {
        return new Builder(destination, host, port, username, password);
    }

    ValueOptions valueOptions() {
        return new ValueOptions(canalCompatibleValues, timeZone, connectionCharset);
    }

    @Override
    public String toString() {
        return "ParserSettings[" + destination + " " + username + "@" + host + ":" + port + ", slaveId=" + slaveId
                + ", gtid=" + gtidMode + ", " + transport + "]";
    }

    /** Builds settings; only the master and account are required. */
    public static final class Builder {
        private final String destination;
        private final String host;
        private final int port;
        private final String username;
        private final String password;
        private String defaultDatabase = "";
        private Set<String> binlogImages = ALL_IMAGES;
        private int receiveBufferSize;
        private int sendBufferSize;
        private boolean autoResetToLatest;
        private long slaveId;
        private boolean gtidMode;
        private String journalName = "";
        private long journalPosition = -1;
        private long journalTimestamp = -1;
        private String journalGtid = "";
        private Charset connectionCharset = StandardCharsets.UTF_8;
        private ZoneId timeZone = ZoneId.systemDefault();
        private boolean canalCompatibleValues;
        private Duration heartbeatPeriod;
        private Duration connectTimeout;
        private Duration readTimeout;
        private Duration reconnectMin;
        private Duration reconnectMax;
        private int transactionSize = TransactionBuffer.DEFAULT_CHUNK;
        private MasterTransport transport;

        private Builder(String destination, String host, int port, String username, String password) {
            this.destination = destination;
            this.host = host;
            this.port = port;
            this.username = username;
            this.password = password;
        }

        public Builder defaultDatabase(String v) { defaultDatabase = v; return this; }
        public Builder binlogImages(Set<String> v) { binlogImages = v; return this; }
        public Builder socketBuffers(int receive, int send) { receiveBufferSize = receive; sendBufferSize = send; return this; }
        public Builder autoResetToLatest(boolean v) { autoResetToLatest = v; return this; }
        public Builder slaveId(long v) { slaveId = v; return this; }
        public Builder gtidMode(boolean v) { gtidMode = v; return this; }
        public Builder journal(String name, long position) { journalName = name; journalPosition = position; return this; }
        public Builder journalTimestamp(long millis) { journalTimestamp = millis; return this; }
        public Builder journalGtid(String v) { journalGtid = v; return this; }
        public Builder connectionCharset(Charset v) { connectionCharset = v; return this; }
        public Builder timeZone(ZoneId v) { timeZone = v; return this; }
        public Builder canalCompatibleValues(boolean v) { canalCompatibleValues = v; return this; }
        public Builder heartbeatPeriod(Duration v) { heartbeatPeriod = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder readTimeout(Duration v) { readTimeout = v; return this; }
        public Builder reconnect(Duration min, Duration max) { reconnectMin = min; reconnectMax = max; return this; }
        public Builder transactionSize(int v) { transactionSize = v; return this; }
        public Builder transport(MasterTransport v) { transport = v; return this; }

        public ParserSettings build() {
            return new ParserSettings(destination, host, port, username, password, binlogImages, receiveBufferSize,
                    sendBufferSize, autoResetToLatest, defaultDatabase, slaveId, gtidMode,
                    journalName, journalPosition, journalTimestamp, journalGtid, connectionCharset, timeZone,
                    canalCompatibleValues, heartbeatPeriod, connectTimeout, readTimeout, reconnectMin, reconnectMax,
                    transactionSize, transport);
        }
    }
}
