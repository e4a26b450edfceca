package io.sluice.client.table;

/**
 * Where a change is in the source's binlog (canal's header logfileName and logfileOffset), to tell on replay
 * whether a row predates a column change already applied to the target.
 */
record SourcePosition(String file, long offset) {

    /**
     * True when this position is before {@code other} in the same binlog sequence. Files of another name prefix (a
     * different master) are not comparable: false, so nothing is skipped on a guess.
     */
    boolean before(SourcePosition other) {
        int a = file.lastIndexOf('.');
        int b = other.file.lastIndexOf('.');
        if (a < 0 || b < 0 || !file.substring(0, a).equals(other.file.substring(0, b))) {
            return false;
        }
        long fa;
        long fb;
        try {
            fa = Long.parseLong(file.substring(a + 1));
            fb = Long.parseLong(other.file.substring(b + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        return fa < fb || (fa == fb && offset < other.offset);
    }

    @Override
    public String toString() {
        return file + ":" + offset;
    }
}
