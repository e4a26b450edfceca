package io.sluice.server.config.zookeeper;

import java.util.ArrayList;
import java.util.List;

/** A minimal line diff (longest common subsequence): {@code -} lines only in the first text, {@code +} only in the second. */
public final class LineDiff {

    private LineDiff() {
    }

    public static List<String> of(List<String> a, List<String> b) {
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            if (a.get(i).equals(b.get(j))) {
                i++;
                j++;
            } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
                out.add("-" + a.get(i++));
            } else {
                out.add("+" + b.get(j++));
            }
        }
        while (i < a.size()) {
            out.add("-" + a.get(i++));
        }
        while (j < b.size()) {
            out.add("+" + b.get(j++));
        }
        return out;
    }
}
