package io.sluice.server.mq;

import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One item of canal's MQ routing lists ({@code canal.mq.dynamicTopic}, {@code canal.mq.partitionHash},
 * {@code canal.mq.dynamicTopicPartitionNum}): a plain name, compared ignoring case, unless it contains one of
 * canal's wildcard characters, in which case it is a regex anchored at both ends and matched ignoring case
 * (canal's {@code MQMessageUtils.isWildCard} and {@code AviaterRegexFilter}). A plain name's {@code .} is a
 * literal dot; a regex's {@code .} is any character, as in canal.
 */
final class TableNamePattern {

    private static final String WILDCARDS = "*?+|(){}[]\\$^";

    private final String text;
    private final Pattern regex;

    private TableNamePattern(String text, Pattern regex) {
        this.text = text;
        this.regex = regex;
    }

    /** @throws MqSettingsException naming {@code key} and {@code value} when the regex does not compile */
    static TableNamePattern parse(String item, String key, String value) {
        if (!isWildcard(item)) {
            return new TableNamePattern(item, null);
        }
        try {
            return new TableNamePattern(item, Pattern.compile("^(?:" + item + ")$", Pattern.CASE_INSENSITIVE));
        } catch (PatternSyntaxException e) {
            throw new MqSettingsException(key, value, "item '" + item + "' is not a valid regex: " + e.getDescription());
        }
    }

    static boolean isWildcard(String item) {
        for (int i = 0; i < item.length(); i++) {
            if (WILDCARDS.indexOf(item.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    boolean isRegex() {
        return regex != null;
    }

    boolean matches(String name) {
        return regex == null ? text.equalsIgnoreCase(name) : regex.matcher(name.toLowerCase(Locale.ROOT)).matches();
    }

    /** Whether the item names whole {@code schema.table} names rather than schemas (canal: it contains {@code \.}). */
    boolean namesTables() {
        return text.contains("\\.");
    }

    @Override
    public String toString() {
        return text;
    }
}
