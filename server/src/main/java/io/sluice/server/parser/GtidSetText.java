package io.sluice.server.parser;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An executed GTID set that transactions are added to, printed the way the master prints it: MySQL
 * {@code uuid:1-5:7,uuid2[:tag]:1-3} (tags of MySQL 8.4+ included) or MariaDB {@code domain-server-seq,...} with the
 * last GTID of each domain. The flavour is fixed by the first set or GTID it sees.
 */
final class GtidSetText {

    private static final Pattern MARIADB = Pattern.compile("\\d+-\\d+-\\d+(\\s*,\\s*\\d+-\\d+-\\d+)*");

    /** MySQL: "uuid" or "uuid:tag" → sorted disjoint intervals [start, end]. */
    private final Map<String, List<long[]>> mysql = new TreeMap<>();
    /** MariaDB: domain → "domain-server-seq". */
    private final Map<Long, String> mariadb = new TreeMap<>();
    private Boolean isMariadb;
    /** The text of the set, until the set changes: asked for once per entry, changed once per transaction. */
    private String text;

    GtidSetText(String initial) {
        reset(initial);
    }

    void reset(String set) {
        text = null;
        mysql.clear();
        mariadb.clear();
        isMariadb = null;
        if (set == null || set.isBlank()) {
            return;
        }
        String s = set.replace("\n", "").trim();
        if (MARIADB.matcher(s).matches()) {
            isMariadb = true;
            for (String gtid : s.split(",")) {
                addMariadb(gtid.trim());
            }
            return;
        }
        isMariadb = false;
        for (String part : s.split(",")) {
            String[] fields = part.trim().split(":");
            String key = fields[0].toLowerCase();
            for (int i = 1; i < fields.length; i++) {
                String f = fields[i];
                if (!f.isEmpty() && !Character.isDigit(f.charAt(0))) {
                    key = fields[0].toLowerCase() + ":" + f;
                    continue;
                }
                int dash = f.indexOf('-');
                long from = Long.parseLong(dash < 0 ? f : f.substring(0, dash));
                long to = dash < 0 ? from : Long.parseLong(f.substring(dash + 1));
                addInterval(key, from, to);
            }
        }
    }

    boolean isEmpty() {
        return mysql.isEmpty() && mariadb.isEmpty();
    }

    /** MySQL {@code uuid:gno}, {@code uuid:tag:gno}, or MariaDB {@code domain-server-seq}. */
    void add(String gtid) {
        text = null;
        if (gtid.indexOf(':') < 0) {
            isMariadb = true;
            addMariadb(gtid);
            return;
        }
        isMariadb = false;
        int last = gtid.lastIndexOf(':');
        long gno = Long.parseLong(gtid.substring(last + 1));
        addInterval(gtid.substring(0, last).toLowerCase(), gno, gno);
    }

    private void addMariadb(String gtid) {
        int dash = gtid.indexOf('-');
        mariadb.put(Long.parseLong(gtid.substring(0, dash)), gtid);
    }

    private void addInterval(String key, long from, long to) {
        List<long[]> list = mysql.computeIfAbsent(key, k -> new ArrayList<>());
        list.add(new long[] {from, to});
        list.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] iv : list) {
            if (!merged.isEmpty() && iv[0] <= merged.get(merged.size() - 1)[1] + 1) {
                long[] lastIv = merged.get(merged.size() - 1);
                lastIv[1] = Math.max(lastIv[1], iv[1]);
            } else {
                merged.add(new long[] {iv[0], iv[1]});
            }
        }
        list.clear();
        list.addAll(merged);
    }

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            t = text = render();
        }
        return t;
    }

    private String render() {
        if (Boolean.TRUE.equals(isMariadb)) {
            return String.join(",", mariadb.values());
        }
        StringBuilder s = new StringBuilder();
        String lastUuid = null;
        for (Map.Entry<String, List<long[]>> e : mysql.entrySet()) {
            String key = e.getKey();
            int colon = key.indexOf(':');
            String uuid = colon < 0 ? key : key.substring(0, colon);
            if (uuid.equals(lastUuid)) {
                s.append(':');
            } else {
                if (s.length() > 0) {
                    s.append(',');
                }
                s.append(uuid).append(':');
            }
            lastUuid = uuid;
            if (colon >= 0) {
                s.append(key.substring(colon + 1)).append(':');
            }
            boolean first = true;
            for (long[] iv : e.getValue()) {
                if (!first) {
                    s.append(':');
                }
                first = false;
                s.append(iv[0]);
                if (iv[1] != iv[0]) {
                    s.append('-').append(iv[1]);
                }
            }
        }
        return s.toString();
    }
}
