package io.sluice.server.mq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code canal.mq.partitionHash} (CANAL-PROTOCOL.md §4.2): items {@code <name or regex>[:<col1^col2…>]} or
 * {@code <name or regex>:$pk$}; the last {@code :} separates the columns. The first item matching
 * {@code schema.table} wins; no match sends the entry to partition 0.
 */
final class PartitionRules {

    /** How a matched table's rows are spread. */
    enum Mode {
        /** {@code abs(table.hashCode()) % n}: all rows of the table in one partition. */
        TABLE,
        /** per row, the hash of the listed columns. */
        COLUMNS,
        /** per row, the hash of the primary-key columns ({@code $pk$}). */
        PRIMARY_KEY
    }

    record Rule(TableNamePattern table, Mode mode, List<String> columns) {

        boolean hashesColumn(String name) {
            for (String c : columns) {
                if (c.equalsIgnoreCase(name)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final List<Rule> rules;

    private PartitionRules(List<Rule> rules) {
        this.rules = rules;
    }

    static PartitionRules parse(String partitionHash) {
        List<Rule> rules = new ArrayList<>();
        for (String item : RoutingList.items(partitionHash)) {
            int colon = item.lastIndexOf(':');
            if (colon > 0) {
                String cols = item.substring(colon + 1).trim();
                TableNamePattern table = TableNamePattern.parse(item.substring(0, colon).trim(),
                        "canal.mq.partitionHash", partitionHash);
                if (cols.equalsIgnoreCase("$pk$")) {
                    rules.add(new Rule(table, Mode.PRIMARY_KEY, List.of()));
                } else {
                    List<String> columns = Arrays.stream(cols.split("\\^")).map(String::trim)
                            .filter(c -> !c.isEmpty()).toList();
                    if (columns.isEmpty()) {
                        throw new MqSettingsException("canal.mq.partitionHash", partitionHash,
                                "item '" + item + "' names no column after ':'");
                    }
                    rules.add(new Rule(table, Mode.COLUMNS, columns));
                }
            } else {
                rules.add(new Rule(TableNamePattern.parse(item, "canal.mq.partitionHash", partitionHash),
                        Mode.TABLE, List.of()));
            }
        }
        return new PartitionRules(List.copyOf(rules));
    }

    boolean isEmpty() {
        return rules.isEmpty();
    }

    /** The first rule matching {@code schema.table}, or null. */
    Rule ruleFor(String schema, String table) {
        String name = schema + "." + table;
        for (Rule rule : rules) {
            if (rule.table().matches(name)) {
                return rule;
            }
        }
        return null;
    }

    /** canal's partition of a hash: {@code abs(abs(h) % n)} (abs(MIN_VALUE) is negative, hence twice). */
    static int partitionOf(int hash, int partitions) {
        return Math.abs(Math.abs(hash) % partitions);
    }
}
