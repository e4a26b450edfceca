package io.sluice.server.mq;

import java.util.ArrayList;
import java.util.List;

/** canal's routing lists: items separated by {@code ,} or {@code ;}, empty items dropped. */
final class RoutingList {

    private RoutingList() {
    }

    static List<String> items(String list) {
        List<String> items = new ArrayList<>();
        if (list == null) {
            return items;
        }
        for (String item : list.replace(',', ';').split(";")) {
            String trimmed = item.trim();
            if (!trimmed.isEmpty()) {
                items.add(trimmed);
            }
        }
        return items;
    }
}
