package io.sluice.server.mq;

import io.sluice.protocol.entry.CanalEntry;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * FlatMessage JSON written straight from a stored entry's protobuf bytes: the wire format of Entry, Header,
 * RowChange, RowData and Column is walked in place and JSON bytes are written as the walk goes, without the
 * Entry/RowChange/FlatMessage objects and maps of the object path ({@link FlatMessageConverter} and Jackson).
 * The bytes are those of the object path, byte for byte (checked by {@code FlatJsonWriterEquivalenceTest}):
 * keys in alphabetical order, Jackson's escaping (short escapes for \b \t \n \f \r, {@code \}{@code u00XX} with
 * upper-case hex for other control characters, each UTF-16 surrogate of a supplementary character escaped),
 * canal's {@code old} and {@code pkNames} rules, binary re-encoding and canal's partition hashing.
 *
 * <p>What the walk does not cover makes {@link #write} return null and the caller builds that entry the object
 * way: wire shapes Sluice never writes (a repeated header, unknown enum numbers, groups), a row with no columns
 * or a column name twice in one image, a column whose SQL type changes between rows under Base64, and a message
 * over the size limit (the object path splits it between rows). One instance per publisher thread: its
 * buffers are reused from entry to entry.
 */
final class FlatJsonWriter {

    /** Why the direct path gives an entry to the object path; never escapes {@link #write}. */
    private static final class NotCovered extends Exception {
        private static final NotCovered INSTANCE = new NotCovered();

        private NotCovered() {
            super(null, null, false, false);
        }
    }

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** 0: written as is; 'u': six-character escape; else the character after a backslash. */
    private static final byte[] ESCAPES = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = 'u';
        }
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
    }

    private static final String[] EVENT_TYPES = new String[16];

    static {
        for (CanalEntry.EventType t : CanalEntry.EventType.values()) {
            EVENT_TYPES[t.getNumber()] = t.name();
        }
    }

    private final MqPublishSettings settings;
    private final FormatSettings format;
    private final TopicRouter topics;
    private final PartitionRules partitionRules;
    private final TopicPartitionCounts partitionCounts;
    private final boolean base64;

    private byte[] in;
    private int pos;

    // ---- per entry ----
    private final Json rows = new Json();
    /** The messages of the current batch, one after the other: each is copied out once, when published. */
    private final Json out = new Json();
    private String database;
    private String table;
    private byte[] lastSchemaBytes = new byte[0];
    private byte[] lastTableBytes = new byte[0];
    private String lastSchema = "";
    private String lastTable = "";

    /** The sqlType/mysqlType maps: column names in first-seen order, last value wins (as LinkedHashMap.put). */
    private int types;
    private String[] typeNames = new String[16];
    /** Each name as a JSON object key ({@code "name":}), escaped once per entry rather than once per row. */
    private byte[][] typeKeys = new byte[16][];
    private final Json keyJson = new Json();
    private int[] typeNameOff = new int[16];
    private int[] typeNameLen = new int[16];
    private int[] typeSql = new int[16];
    private int[] typeMysqlOff = new int[16];
    private int[] typeMysqlLen = new int[16];
    private boolean[] updated = new boolean[16];
    private int[] seenInRow = new int[16];
    private int[] seenInOld = new int[16];

    /** The columns of one row image being walked. */
    private int cols;
    private int[] colType = new int[16];
    private int[] colValueOff = new int[16];
    private int[] colValueLen = new int[16];
    private boolean[] colNull = new boolean[16];

    private int rowCount;
    private int[] dataStart = new int[16];
    private int[] dataEnd = new int[16];
    private int[] oldStart = new int[16];
    private int[] oldEnd = new int[16];
    private int[] rowPartition = new int[16];
    private List<String> pkNames;

    FlatJsonWriter(MqPublishSettings settings, TopicRouter topics, PartitionRules partitionRules,
                   TopicPartitionCounts partitionCounts) {
        this.settings = settings;
        this.format = settings.format();
        this.topics = topics;
        this.partitionRules = partitionRules;
        this.partitionCounts = partitionCounts;
        this.base64 = format.binary() == BinaryEncoding.BASE64;
    }

    /** A new batch: the messages of the last one have been published (copied out of the buffer). */
    void startBatch() {
        out.reset();
    }

    /**
     * The entry's messages appended to {@code messages}.
     *
     * @return false when the direct path does not cover the entry: nothing was appended, build it the object way
     */
    boolean write(byte[] entry, long batchId, long now, List<FlatPart> messages) {
        int before = messages.size();
        int written = out.size;
        try {
            writeEntry(entry, batchId, now, messages);
            return true;
        } catch (NotCovered | RuntimeException e) {
            // malformed bytes included: the object path reports them as it always has
            while (messages.size() > before) {
                messages.remove(messages.size() - 1);
            }
            out.size = written;
            return false;
        } finally {
            in = null;
        }
    }

    private void writeEntry(byte[] entry, long batchId, long now, List<FlatPart> messages) throws NotCovered {
        in = entry;
        pos = 0;
        int headerOff = -1;
        int headerLen = 0;
        int storeOff = 0;
        int storeLen = 0;
        int entryType = CanalEntry.EntryType.ROWDATA_VALUE;
        while (pos < in.length) {
            int tag = readVarint32();
            switch (tag) {
                case 1 << 3 | 2 -> {
                    if (headerOff >= 0) {
                        throw NotCovered.INSTANCE; // protobuf would merge the two headers
                    }
                    headerLen = readVarint32();
                    headerOff = pos;
                    skip(headerLen);
                }
                case 2 << 3 -> entryType = readVarint32();
                case 3 << 3 | 2 -> {
                    storeLen = readVarint32();
                    storeOff = pos;
                    skip(storeLen);
                }
                default -> skipField(tag);
            }
        }
        if (entryType < 1 || entryType > 5) {
            throw NotCovered.INSTANCE;
        }
        if (entryType != CanalEntry.EntryType.ROWDATA_VALUE) {
            return;
        }
        long executeTime = 0;
        int schemaOff = 0;
        int schemaLen = 0;
        int tableOff = 0;
        int tableLen = 0;
        int gtidOff = 0;
        int gtidLen = 0;
        if (headerOff >= 0) {
            pos = headerOff;
            int end = headerOff + headerLen;
            while (pos < end) {
                int tag = readVarint32();
                switch (tag) {
                    case 6 << 3 -> executeTime = readVarint64();
                    case 8 << 3 | 2 -> {
                        schemaLen = readVarint32();
                        schemaOff = pos;
                        skip(schemaLen);
                    }
                    case 9 << 3 | 2 -> {
                        tableLen = readVarint32();
                        tableOff = pos;
                        skip(tableLen);
                    }
                    case 13 << 3 | 2 -> {
                        gtidLen = readVarint32();
                        gtidOff = pos;
                        skip(gtidLen);
                    }
                    default -> skipField(tag);
                }
            }
        }
        database = schema(schemaOff, schemaLen);
        table = table(tableOff, tableLen);

        int eventType = CanalEntry.EventType.UPDATE_VALUE;
        boolean isDdl = false;
        int sqlOff = 0;
        int sqlLen = 0;
        rowCount = 0;
        hasOld = false;
        pos = storeOff;
        int storeEnd = storeOff + storeLen;
        List<int[]> rowRanges = null;
        while (pos < storeEnd) {
            int tag = readVarint32();
            switch (tag) {
                case 2 << 3 -> eventType = readVarint32();
                case 10 << 3 -> isDdl = readVarint64() != 0;
                case 11 << 3 | 2 -> {
                    sqlLen = readVarint32();
                    sqlOff = pos;
                    skip(sqlLen);
                }
                case 12 << 3 | 2 -> {
                    int len = readVarint32();
                    if (rowRanges == null) {
                        rowRanges = new ArrayList<>();
                    }
                    rowRanges.add(new int[] {pos, len});
                    skip(len);
                }
                default -> skipField(tag);
            }
        }
        if (eventType < 1 || eventType >= EVENT_TYPES.length || EVENT_TYPES[eventType] == null) {
            throw NotCovered.INSTANCE;
        }
        String type = EVENT_TYPES[eventType];
        boolean rowEvent = eventType == CanalEntry.EventType.INSERT_VALUE || eventType == CanalEntry.EventType.UPDATE_VALUE
                || eventType == CanalEntry.EventType.DELETE_VALUE;
        boolean statement = isDdl || !rowEvent;
        String topic;
        if (statement && format.ddl() != DdlRoute.SAME_TOPIC) {
            if (format.ddl() == DdlRoute.NONE) {
                return;
            }
            topic = format.ddlTopic();
        } else {
            topic = topics.topicFor(database, table);
        }
        types = 0;
        pkNames = null;
        rows.reset();
        if (!statement && rowRanges != null) {
            walkRows(rowRanges, eventType);
        }
        boolean hasData = rowCount > 0;
        // partitions as canal's messagePartition(FlatMessage), on canal's values (before binary re-encoding)
        int single;
        PartitionRules.Rule rule = null;
        int partitions = 0;
        if (statement && format.ddl() != DdlRoute.SAME_TOPIC) {
            single = 0;
        } else if (partitionRules.isEmpty()) {
            single = settings.partition();
        } else {
            rule = isDdl || !hasData ? null : partitionRules.ruleFor(database, table);
            if (rule == null) {
                single = 0;
            } else {
                partitions = partitionCounts.partitionsOf(topic);
                single = rule.mode() == PartitionRules.Mode.TABLE ? PartitionRules.partitionOf(table.hashCode(), partitions)
                        : -1;
            }
        }
        long es = executeTime;
        if (single >= 0) {
            message(topic, single, -1, batchId, now, es, gtidOff, gtidLen, isDdl, sqlOff, sqlLen, type, messages);
            return;
        }
        List<String> hashColumns = rule.mode() == PartitionRules.Mode.PRIMARY_KEY ? pkNames : rule.columns();
        int firstPartition = -1;
        boolean split = false;
        for (int r = 0; r < rowCount; r++) {
            int p = PartitionRules.partitionOf(rowHash(r, hashColumns), partitions);
            rowPartition[r] = p;
            if (firstPartition < 0) {
                firstPartition = p;
            } else if (p != firstPartition) {
                split = true;
            }
        }
        if (!split) {
            message(topic, firstPartition, -1, batchId, now, es, gtidOff, gtidLen, isDdl, sqlOff, sqlLen, type, messages);
            return;
        }
        int[] distinct = Arrays.copyOf(rowPartition, rowCount);
        Arrays.sort(distinct);
        for (int i = 0; i < distinct.length; i++) {
            if (i == 0 || distinct[i] != distinct[i - 1]) {
                message(topic, distinct[i], distinct[i], batchId, now, es, gtidOff, gtidLen, isDdl, sqlOff, sqlLen,
                        type, messages);
            }
        }
    }

    // ---- rows ---------------------------------------------------------------------------------------------------

    private void walkRows(List<int[]> rowRanges, int eventType) throws NotCovered {
        boolean accumulateOld = settings.canalCompatibleValues();
        boolean update = eventType == CanalEntry.EventType.UPDATE_VALUE;
        boolean delete = eventType == CanalEntry.EventType.DELETE_VALUE;
        int rowIndex = 0;
        for (int[] range : rowRanges) {
            rowIndex++;
            // the image the data map is made of: before for DELETE, after otherwise
            int imageField = delete ? 1 : 2;
            pos = range[0];
            int end = range[0] + range[1];
            if (!accumulateOld) {
                Arrays.fill(updated, 0, types, false);
            }
            ensureRows(rowCount + 1);
            cols = 0;
            int dataStartPos = rows.size;
            rows.put('{');
            // pass 1: the data image (its columns can interleave with the other image's on the wire)
            while (pos < end) {
                int tag = readVarint32();
                if (tag == (imageField << 3 | 2)) {
                    int len = readVarint32();
                    int colEnd = pos + len;
                    column(colEnd, rowIndex, rowIndex == 1);
                    pos = colEnd;
                } else {
                    skipField(tag);
                }
            }
            if (cols == 0) {
                throw NotCovered.INSTANCE; // canal leaves empty rows out of data but not of old
            }
            rows.put('}');
            dataStart[rowCount] = dataStartPos;
            dataEnd[rowCount] = rows.size;
            if (update) {
                // pass 2: old = before values of the columns flagged updated
                oldStart[rowCount] = rows.size;
                rows.put('{');
                boolean firstOld = true;
                int beforeIndex = 0;
                pos = range[0];
                while (pos < end) {
                    int tag = readVarint32();
                    if (tag == (1 << 3 | 2)) {
                        int len = readVarint32();
                        int colEnd = pos + len;
                        firstOld = oldColumn(colEnd, rowIndex, beforeIndex++, firstOld);
                        pos = colEnd;
                    } else {
                        skipField(tag);
                    }
                }
                rows.put('}');
                oldEnd[rowCount] = rows.size;
            }
            saveRowValues(rowCount);
            rowCount++;
        }
        hasOld = update;
    }

    private boolean hasOld;

    /** The values of each row's data columns by type index, for partition hashing. */
    private int[][] rowValueOff = new int[16][];
    private int[][] rowValueLen = new int[16][];
    private int[] rowValueTypes = new int[16];

    private void saveRowValues(int row) {
        if (partitionRules.isEmpty()) {
            return;
        }
        int[] off = rowValueOff[row];
        if (off == null || off.length < types) {
            off = new int[Math.max(types, 16)];
            rowValueOff[row] = off;
            rowValueLen[row] = new int[off.length];
        }
        int[] len = rowValueLen[row];
        rowValueTypes[row] = types;
        Arrays.fill(off, 0, types, -2); // -2: not in this row (canal hashes ""); -1: null; else the value
        for (int c = 0; c < cols; c++) {
            off[colType[c]] = colNull[c] ? -1 : colValueOff[c];
            len[colType[c]] = colValueLen[c];
        }
    }

    private int rowHash(int row, List<String> hashColumns) {
        int hash = settings.databaseHash() ? database.hashCode() : 0;
        if (hashColumns == null) {
            return hash;
        }
        int[] off = rowValueOff[row];
        int[] len = rowValueLen[row];
        for (String column : hashColumns) {
            int t = typeIndex(column);
            if (t < 0 || t >= rowValueTypes[row] || off[t] < 0) {
                continue; // "".hashCode() is 0
            }
            hash ^= stringHash(off[t], len[t]);
        }
        return hash;
    }

    private int typeIndex(String name) {
        for (int t = 0; t < types; t++) {
            if (typeNames[t].equals(name)) {
                return t;
            }
        }
        return -1;
    }

    /** {@code String.hashCode} of the UTF-8 value, without the String when it is ASCII. */
    private int stringHash(int off, int len) {
        int h = 0;
        for (int i = off; i < off + len; i++) {
            byte b = in[i];
            if (b < 0) {
                return new String(in, off, len, StandardCharsets.UTF_8).hashCode();
            }
            h = 31 * h + b;
        }
        return h;
    }

    /** One column of the data image: its name and value into the row's JSON, its types into the maps. */
    private void column(int end, int rowIndex, boolean firstRow) throws NotCovered {
        int nameOff = 0;
        int nameLen = 0;
        int valueOff = -1;
        int valueLen = 0;
        int mysqlOff = 0;
        int mysqlLen = 0;
        int sqlType = 0;
        boolean isKey = false;
        boolean isUpdated = false;
        boolean isNull = false;
        while (pos < end) {
            int tag = readVarint32();
            switch (tag) {
                case 2 << 3 -> sqlType = readVarint32();
                case 3 << 3 | 2 -> {
                    nameLen = readVarint32();
                    nameOff = pos;
                    skip(nameLen);
                }
                case 4 << 3 -> isKey = readVarint64() != 0;
                case 5 << 3 -> isUpdated = readVarint64() != 0;
                case 6 << 3 -> isNull = readVarint64() != 0;
                case 8 << 3 | 2 -> {
                    valueLen = readVarint32();
                    valueOff = pos;
                    skip(valueLen);
                }
                case 10 << 3 | 2 -> {
                    mysqlLen = readVarint32();
                    mysqlOff = pos;
                    skip(mysqlLen);
                }
                default -> skipField(tag);
            }
        }
        int t = typeOf(nameOff, nameLen, cols);
        if (t == types) {
            addType(nameOff, nameLen);
            typeSql[t] = sqlType;
        } else if (seenInRow[t] == rowIndex) {
            throw NotCovered.INSTANCE; // a name twice in one row: the map keeps one key
        } else if (typeSql[t] != sqlType) {
            if (base64 && BinaryEncoding.isBinary(typeSql[t]) != BinaryEncoding.isBinary(sqlType)) {
                throw NotCovered.INSTANCE; // the message's one sqlType map decides the encoding of every row
            }
            typeSql[t] = sqlType;
        }
        seenInRow[t] = rowIndex;
        typeMysqlOff[t] = mysqlOff;
        typeMysqlLen[t] = mysqlLen;
        if (firstRow && isKey) {
            if (pkNames == null) {
                pkNames = new ArrayList<>();
            }
            pkNames.add(typeNames[t]);
        }
        if (isUpdated) {
            updated[t] = true;
        }
        ensureCols(cols + 1);
        colType[cols] = t;
        colNull[cols] = isNull;
        colValueOff[cols] = valueOff < 0 ? 0 : valueOff;
        colValueLen[cols] = valueOff < 0 ? 0 : valueLen;
        if (cols > 0) {
            rows.put(',');
        }
        cols++;
        rows.put(typeKeys[t]);
        value(rows, t, isNull, valueOff < 0 ? 0 : valueOff, valueOff < 0 ? 0 : valueLen);
    }

    /** @param position the column's place in the before image: where the data image usually has the same name */
    private boolean oldColumn(int end, int rowIndex, int position, boolean firstOld) throws NotCovered {
        int nameOff = 0;
        int nameLen = 0;
        int valueOff = 0;
        int valueLen = 0;
        boolean isNull = false;
        while (pos < end) {
            int tag = readVarint32();
            switch (tag) {
                case 3 << 3 | 2 -> {
                    nameLen = readVarint32();
                    nameOff = pos;
                    skip(nameLen);
                }
                case 6 << 3 -> isNull = readVarint64() != 0;
                case 8 << 3 | 2 -> {
                    valueLen = readVarint32();
                    valueOff = pos;
                    skip(valueLen);
                }
                default -> skipField(tag);
            }
        }
        int t = findType(nameOff, nameLen, position);
        if (t < 0 || !updated[t]) {
            return firstOld;
        }
        if (seenInOld[t] == rowIndex) {
            throw NotCovered.INSTANCE;
        }
        seenInOld[t] = rowIndex;
        if (!firstOld) {
            rows.put(',');
        }
        rows.put(typeKeys[t]);
        value(rows, t, isNull, valueOff, valueLen);
        return false;
    }

    private void value(Json json, int t, boolean isNull, int off, int len) {
        if (isNull) {
            json.ascii("null");
        } else if (base64 && BinaryEncoding.isBinary(typeSql[t])) {
            String canalText = new String(in, off, len, StandardCharsets.UTF_8);
            json.string(BinaryEncoding.BASE64.encode(canalText));
        } else {
            json.string(in, off, len);
        }
    }

    /** The type index of a column name: the same position as in the first row is tried first; new names get {@link #types}. */
    private int typeOf(int nameOff, int nameLen, int position) {
        int t = findType(nameOff, nameLen, position);
        return t < 0 ? types : t;
    }

    private int findType(int nameOff, int nameLen, int position) {
        if (position >= 0 && position < types && sameName(position, nameOff, nameLen)) {
            return position;
        }
        for (int t = 0; t < types; t++) {
            if (sameName(t, nameOff, nameLen)) {
                return t;
            }
        }
        return -1;
    }

    private boolean sameName(int t, int nameOff, int nameLen) {
        return typeNameLen[t] == nameLen && Arrays.equals(in, typeNameOff[t], typeNameOff[t] + nameLen,
                in, nameOff, nameOff + nameLen);
    }

    private void addType(int nameOff, int nameLen) {
        if (types == typeNames.length) {
            int n = types * 2;
            typeNames = Arrays.copyOf(typeNames, n);
            typeKeys = Arrays.copyOf(typeKeys, n);
            typeNameOff = Arrays.copyOf(typeNameOff, n);
            typeNameLen = Arrays.copyOf(typeNameLen, n);
            typeSql = Arrays.copyOf(typeSql, n);
            typeMysqlOff = Arrays.copyOf(typeMysqlOff, n);
            typeMysqlLen = Arrays.copyOf(typeMysqlLen, n);
            updated = Arrays.copyOf(updated, n);
            seenInRow = Arrays.copyOf(seenInRow, n);
            seenInOld = Arrays.copyOf(seenInOld, n);
        }
        typeNames[types] = new String(in, nameOff, nameLen, StandardCharsets.UTF_8);
        keyJson.reset();
        keyJson.string(in, nameOff, nameLen);
        keyJson.put(':');
        typeKeys[types] = keyJson.toByteArray();
        typeNameOff[types] = nameOff;
        typeNameLen[types] = nameLen;
        updated[types] = false;
        seenInRow[types] = 0;
        seenInOld[types] = 0;
        types++;
    }

    private void ensureCols(int n) {
        if (n > colType.length) {
            int size = Math.max(n, colType.length * 2);
            colType = Arrays.copyOf(colType, size);
            colValueOff = Arrays.copyOf(colValueOff, size);
            colValueLen = Arrays.copyOf(colValueLen, size);
            colNull = Arrays.copyOf(colNull, size);
        }
    }

    private void ensureRows(int n) {
        if (n > dataStart.length) {
            int size = Math.max(n, dataStart.length * 2);
            dataStart = Arrays.copyOf(dataStart, size);
            dataEnd = Arrays.copyOf(dataEnd, size);
            oldStart = Arrays.copyOf(oldStart, size);
            oldEnd = Arrays.copyOf(oldEnd, size);
            rowPartition = Arrays.copyOf(rowPartition, size);
            rowValueOff = Arrays.copyOf(rowValueOff, size);
            rowValueLen = Arrays.copyOf(rowValueLen, size);
            rowValueTypes = Arrays.copyOf(rowValueTypes, size);
        }
    }

    // ---- the message -------------------------------------------------------------------------------------------

    /** One message with all rows ({@code onlyPartition} -1) or those of one partition; keys in alphabetical order. */
    private void message(String topic, int partition, int onlyPartition, long batchId, long now, long es, int gtidOff,
                         int gtidLen, boolean isDdl, int sqlOff, int sqlLen, String type, List<FlatPart> messages)
            throws NotCovered {
        boolean hasRows = rowCount > 0;
        Json j = out;
        int start = j.size;
        j.ascii("{\"data\":");
        int dataClose = -1;
        if (hasRows) {
            rowList(j, dataStart, dataEnd, onlyPartition);
            dataClose = j.size - 1;
        } else {
            j.ascii("null");
        }
        j.ascii(",\"database\":");
        j.string(database);
        j.ascii(",\"es\":");
        j.number(es);
        j.ascii(",\"gtid\":");
        j.string(in, gtidOff, gtidLen);
        j.ascii(",\"id\":");
        j.number(batchId);
        j.ascii(isDdl ? ",\"isDdl\":true,\"mysqlType\":" : ",\"isDdl\":false,\"mysqlType\":");
        if (types > 0) {
            j.put('{');
            for (int t = 0; t < types; t++) {
                if (t > 0) {
                    j.put(',');
                }
                j.string(in, typeNameOff[t], typeNameLen[t]);
                j.put(':');
                j.string(in, typeMysqlOff[t], typeMysqlLen[t]);
            }
            j.put('}');
        } else {
            j.ascii("null");
        }
        j.ascii(",\"old\":");
        int oldFrom = j.size;
        if (hasRows && hasOld) {
            rowList(j, oldStart, oldEnd, onlyPartition);
        } else {
            j.ascii("null");
        }
        int oldTo = j.size;
        j.ascii(",\"pkNames\":");
        if (pkNames != null) {
            j.put('[');
            for (int i = 0; i < pkNames.size(); i++) {
                if (i > 0) {
                    j.put(',');
                }
                j.string(pkNames.get(i));
            }
            j.put(']');
        } else {
            j.ascii("null");
        }
        j.ascii(",\"sql\":");
        j.string(in, sqlOff, sqlLen);
        j.ascii(",\"sqlType\":");
        if (types > 0) {
            j.put('{');
            for (int t = 0; t < types; t++) {
                if (t > 0) {
                    j.put(',');
                }
                j.string(in, typeNameOff[t], typeNameLen[t]);
                j.put(':');
                j.number(typeSql[t]);
            }
            j.put('}');
        } else {
            j.ascii("null");
        }
        j.ascii(",\"table\":");
        j.string(table);
        j.ascii(",\"ts\":");
        j.number(now);
        j.ascii(",\"type\":");
        j.string(type);
        j.put('}');
        if (j.size - start > settings.maxMessageBytes()) {
            throw NotCovered.INSTANCE; // the object path splits it between rows, or reports the oversize row
        }
        // the buffer as it is now: a later message that grows it leaves this array (and this message) as it is
        messages.add(dataClose < 0 ? FlatPart.statement(topic, partition, j.buf, start, j.size)
                : new FlatPart(topic, partition, j.buf, start, j.size, dataClose, oldFrom, oldTo));
    }

    private void rowList(Json j, int[] start, int[] end, int onlyPartition) {
        j.put('[');
        boolean first = true;
        for (int r = 0; r < rowCount; r++) {
            if (onlyPartition >= 0 && rowPartition[r] != onlyPartition) {
                continue;
            }
            if (!first) {
                j.put(',');
            }
            first = false;
            j.put(rows.buf, start[r], end[r] - start[r]);
        }
        j.put(']');
    }

    // ---- names -------------------------------------------------------------------------------------------------

    private String schema(int off, int len) {
        if (!Arrays.equals(lastSchemaBytes, 0, lastSchemaBytes.length, in, off, off + len)) {
            lastSchemaBytes = Arrays.copyOfRange(in, off, off + len);
            lastSchema = new String(lastSchemaBytes, StandardCharsets.UTF_8);
        }
        return lastSchema;
    }

    private String table(int off, int len) {
        if (!Arrays.equals(lastTableBytes, 0, lastTableBytes.length, in, off, off + len)) {
            lastTableBytes = Arrays.copyOfRange(in, off, off + len);
            lastTable = new String(lastTableBytes, StandardCharsets.UTF_8);
        }
        return lastTable;
    }

    // ---- protobuf wire format ----------------------------------------------------------------------------------

    private int readVarint32() throws NotCovered {
        if (pos < in.length) {
            byte b = in[pos];
            if (b >= 0) {
                pos++;
                return b; // tags, lengths and flags below 128: nearly all of them
            }
        }
        return (int) readVarint64();
    }

    private long readVarint64() throws NotCovered {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= in.length) {
                throw NotCovered.INSTANCE;
            }
            byte b = in[pos++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw NotCovered.INSTANCE;
    }

    private void skip(int n) throws NotCovered {
        if (n < 0 || pos + n > in.length) {
            throw NotCovered.INSTANCE;
        }
        pos += n;
    }

    private void skipField(int tag) throws NotCovered {
        switch (tag & 7) {
            case 0 -> readVarint64();
            case 1 -> skip(8);
            case 2 -> skip(readVarint32());
            case 5 -> skip(4);
            default -> throw NotCovered.INSTANCE; // groups: never written by Sluice or canal
        }
    }

    // ---- JSON --------------------------------------------------------------------------------------------------

    /** A growable byte buffer with Jackson's string escaping; reused from message to message. */
    static final class Json {
        private static final int RETAINED_BYTES = 4 << 20;

        byte[] buf = new byte[4096];
        int size;

        void reset() {
            size = 0;
            if (buf.length > RETAINED_BYTES) {
                buf = new byte[4096]; // one huge entry does not pin its buffer for the publisher's lifetime
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        void put(char c) {
            ensure(1);
            buf[size++] = (byte) c;
        }

        void put(byte[] b) {
            put(b, 0, b.length);
        }

        void put(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        void ascii(String s) {
            int n = s.length();
            ensure(n);
            for (int i = 0; i < n; i++) {
                buf[size++] = (byte) s.charAt(i);
            }
        }

        void number(long v) {
            ascii(Long.toString(v));
        }

        /** A quoted JSON string of UTF-8 bytes, as Jackson writes the String protobuf would decode them to. */
        void string(byte[] src, int off, int len) {
            int end = off + len;
            if (plainAscii(src, off, end)) {
                ensure(len + 2);
                buf[size++] = '"';
                System.arraycopy(src, off, buf, size, len);
                size += len;
                buf[size++] = '"';
                return;
            }
            if (!wellFormedUtf8(src, off, end)) {
                // protobuf decodes malformed UTF-8 with replacement characters; so does new String
                string(new String(src, off, len, StandardCharsets.UTF_8));
                return;
            }
            // room for every byte as it is and the closing quote; escapes make room for what they add
            ensure(len + 2);
            buf[size++] = '"';
            int i = off;
            while (i < end) {
                byte b = src[i];
                if (b >= 0) {
                    byte e = ESCAPES[b];
                    if (e == 0) {
                        buf[size++] = b;
                    } else {
                        ensure(6 + end - i);
                        escape(b, e);
                    }
                    i++;
                } else if ((b & 0xF8) == 0xF0) {
                    // a supplementary character: Jackson escapes each of its UTF-16 surrogates
                    int cp = (b & 0x07) << 18 | (src[i + 1] & 0x3F) << 12 | (src[i + 2] & 0x3F) << 6 | (src[i + 3] & 0x3F);
                    cp -= 0x10000;
                    ensure(12 + end - i);
                    unicodeEscape(0xD800 + (cp >> 10));
                    unicodeEscape(0xDC00 + (cp & 0x3FF));
                    i += 4;
                } else {
                    int n = (b & 0xE0) == 0xC0 ? 2 : 3;
                    System.arraycopy(src, i, buf, size, n);
                    size += n;
                    i += n;
                }
            }
            buf[size++] = '"';
        }

        /** A quoted JSON string, as Jackson's UTF-8 generator writes it. */
        void string(String s) {
            int n = s.length();
            ensure(n + 2);
            buf[size++] = '"';
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    byte e = ESCAPES[c];
                    if (e == 0) {
                        ensure(1);
                        buf[size++] = (byte) c;
                    } else {
                        escape((byte) c, e);
                    }
                } else if (c < 0x800) {
                    ensure(2);
                    buf[size++] = (byte) (0xC0 | c >> 6);
                    buf[size++] = (byte) (0x80 | c & 0x3F);
                } else if (c >= 0xD800 && c <= 0xDFFF) {
                    unicodeEscape(c);
                } else {
                    ensure(3);
                    buf[size++] = (byte) (0xE0 | c >> 12);
                    buf[size++] = (byte) (0x80 | c >> 6 & 0x3F);
                    buf[size++] = (byte) (0x80 | c & 0x3F);
                }
            }
            ensure(1);
            buf[size++] = '"';
        }

        private void escape(byte c, byte e) {
            if (e == 'u') {
                unicodeEscape(c);
            } else {
                ensure(2);
                buf[size++] = '\\';
                buf[size++] = e;
            }
        }

        private void unicodeEscape(int c) {
            ensure(6);
            buf[size++] = '\\';
            buf[size++] = 'u';
            buf[size++] = HEX[c >> 12 & 0xF];
            buf[size++] = HEX[c >> 8 & 0xF];
            buf[size++] = HEX[c >> 4 & 0xF];
            buf[size++] = HEX[c & 0xF];
        }

        /**
         * Only ASCII that JSON takes as it is (no control character, quote or backslash): the bytes are the string.
         * Eight bytes at a time: a byte is flagged in {@code 0x80} of its lane when it is non-ASCII, below 0x20, or
         * equal to '"' or '\\' (the classic "has a byte less than / equal to" word tricks, exact for ASCII lanes).
         */
        static boolean plainAscii(byte[] s, int off, int end) {
            int i = off;
            for (; i + 8 <= end; i += 8) {
                if (flagged((long) LONGS.get(s, i)) != 0) {
                    return false;
                }
            }
            for (; i < end; i++) {
                byte b = s[i];
                if (b < 0 || ESCAPES[b] != 0) {
                    return false;
                }
            }
            return true;
        }

        private static long flagged(long x) {
            long quote = x ^ 0x2222222222222222L;
            long backslash = x ^ 0x5C5C5C5C5C5C5C5CL;
            long control = x - 0x2020202020202020L & ~x;
            return (x | control | quote - 0x0101010101010101L & ~quote | backslash - 0x0101010101010101L & ~backslash)
                    & 0x8080808080808080L;
        }

        /** UTF-8 as Java's decoder accepts it without replacement: no overlong forms, surrogates or beyond U+10FFFF. */
        static boolean wellFormedUtf8(byte[] s, int off, int end) {
            int i = off;
            while (i < end) {
                // ASCII eight bytes at a time
                if (i + 8 <= end && ((long) LONGS.get(s, i) & 0x8080808080808080L) == 0) {
                    i += 8;
                    continue;
                }
                int b = s[i];
                if (b >= 0) {
                    i++;
                    continue;
                }
                b &= 0xFF;
                if (b >= 0xC2 && b <= 0xDF) {
                    if (i + 1 >= end || !cont(s[i + 1])) {
                        return false;
                    }
                    i += 2;
                } else if (b >= 0xE0 && b <= 0xEF) {
                    if (i + 2 >= end) {
                        return false;
                    }
                    int b1 = s[i + 1] & 0xFF;
                    int lo = b == 0xE0 ? 0xA0 : 0x80;
                    int hi = b == 0xED ? 0x9F : 0xBF;
                    if (b1 < lo || b1 > hi || !cont(s[i + 2])) {
                        return false;
                    }
                    i += 3;
                } else if (b >= 0xF0 && b <= 0xF4) {
                    if (i + 3 >= end) {
                        return false;
                    }
                    int b1 = s[i + 1] & 0xFF;
                    int lo = b == 0xF0 ? 0x90 : 0x80;
                    int hi = b == 0xF4 ? 0x8F : 0xBF;
                    if (b1 < lo || b1 > hi || !cont(s[i + 2]) || !cont(s[i + 3])) {
                        return false;
                    }
                    i += 4;
                } else {
                    return false;
                }
            }
            return true;
        }

        private static boolean cont(byte b) {
            return (b & 0xC0) == 0x80;
        }
    }
}
