package io.sluice.server.meta;

import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.position.SourcePositions;

final class MetaFixtures {

    private MetaFixtures() {
    }

    static final ClientIdentity C1001 = new ClientIdentity("example", (short) 1001);
    static final ClientIdentity C1002 = new ClientIdentity("example", (short) 1002);

    static ClientCursor cursor(long offset, int skip) {
        BinlogPosition p = new BinlogPosition("mysql-bin.000003", offset, "", 1, 1700000000000L);
        return new ClientCursor(new LogPosition("10.0.0.21", 3306, p),
                SourcePositions.of("", new ResumePoint(p.withOffset(offset - 100), skip)));
    }
}
