package io.sluice.server.instance;

import io.sluice.server.config.InstanceConfig;
import io.sluice.server.config.SourceConfig;
import io.sluice.server.parser.ChangeSource;
import io.sluice.server.sink.EntrySink;
import io.sluice.server.sink.TableFilter;

/**
 * Builds the source that reads one master for a destination: the binlog parser in the server, a scripted
 * source in tests. A merged destination asks once per master.
 */
@FunctionalInterface
public interface ChangeSourceFactory {

    /**
     * @param instance the destination's settings (charset, GTID mode, value rendering, ...)
     * @param source   which master to read, with its first-start position
     * @param sink     where to put entries
     * @param filter   which tables to decode at all
     */
    ChangeSource create(InstanceConfig instance, SourceConfig source, EntrySink sink, TableFilter filter);
}
