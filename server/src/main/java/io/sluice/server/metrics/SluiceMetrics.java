package io.sluice.server.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.sluice.server.instance.ClientStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The Prometheus view of a server: every metric is read from {@link DestinationStats} snapshots when scraped, so
 * the pipeline keeps plain counters and pays nothing per row for metrics.
 */
public final class SluiceMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Supplier<List<DestinationStats>> source;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public SluiceMetrics(Supplier<List<DestinationStats>> source, IntSupplier connections) {
        this.source = source;
        GaugeWithCallback.builder().name("sluice_client_connections").help("Open client connections")
                .callback(cb -> cb.call(connections.getAsInt())).register(registry);
        counter("sluice_rows_parsed", "Row changes decoded from the binlog", DestinationStats::rowsParsed);
        counter("sluice_transactions_parsed", "Transactions decoded from the binlog", DestinationStats::transactionsParsed);
        counter("sluice_entries_parsed", "Entries produced by the parser (rows events, BEGIN/END, DDL)", DestinationStats::entriesParsed);
        counter("sluice_source_reconnects", "Reconnections to the master", DestinationStats::sourceReconnects);
        counter("sluice_client_gets", "Non-empty batches handed to clients", DestinationStats::clientGets);
        counter("sluice_client_acks", "Batches acknowledged by clients", DestinationStats::clientAcks);
        counter("sluice_client_rollbacks", "Rollbacks requested by clients", DestinationStats::clientRollbacks);
        gauge("sluice_delay_milliseconds", "How far the last parsed event lies behind the master", DestinationStats::delayMillis);
        gauge("sluice_store_entries", "Entries held in the store (not yet acked)", DestinationStats::storeEntries);
        gauge("sluice_store_bytes", "Bytes held in the store (not yet acked)", DestinationStats::storeBytes);
        gauge("sluice_store_capacity_entries", "Store bound in entries", DestinationStats::storeCapacityEntries);
        gauge("sluice_store_capacity_bytes", "Store bound in bytes", DestinationStats::storeCapacityBytes);
        gauge("sluice_store_put_sequence", "Sequence of the last entry put into the store", DestinationStats::putSequence);
        gauge("sluice_store_ack_sequence", "Sequence up to which every reader has acknowledged (entries freed)", DestinationStats::ackSequence);
        clientGauge("sluice_client_lag_entries", "Entries in the store this client id has not acknowledged",
                ClientStatus::lagEntries);
        clientGauge("sluice_client_lag_bytes", "Bytes in the store this client id has not acknowledged",
                ClientStatus::lagBytes);
        clientGauge("sluice_client_lag_seconds",
                "How long the oldest entry this client id has not acknowledged has been in the store",
                ClientStatus::lagSeconds);
        clientGauge("sluice_client_idle_seconds", "Seconds since this client id's last request",
                ClientStatus::idleSeconds);
        clientGauge("sluice_client_holds_store",
                "1 when the store cannot free anything until this client id acknowledges", c -> c.holdsStore() ? 1 : 0);
        GaugeWithCallback.builder().name("sluice_destination_running")
                .help("1 when this server runs the destination, 0 otherwise").labelNames("destination", "state")
                .callback(cb -> source.get().forEach(s -> cb.call("RUNNING".equals(s.state()) ? 1 : 0, s.destination(), s.state())))
                .register(registry);
    }

    private void counter(String name, String help, ToLongFunction<DestinationStats> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("destination")
                .callback(cb -> source.get().forEach(s -> cb.call(value.applyAsLong(s), s.destination())))
                .register(registry);
    }

    private void gauge(String name, String help, ToLongFunction<DestinationStats> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("destination")
                .callback(cb -> source.get().forEach(s -> cb.call(value.applyAsLong(s), s.destination())))
                .register(registry);
    }

    /** A gauge per subscribed client id; peeks are left out (each console run would add a series). */
    private void clientGauge(String name, String help, ToLongFunction<ClientStatus> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("destination", "client")
                .callback(cb -> source.get().forEach(s -> s.clients().stream().filter(c -> !c.isPeek())
                        .forEach(c -> cb.call(value.applyAsLong(c), s.destination(), String.valueOf(c.clientId())))))
                .register(registry);
    }

    /** The Prometheus text exposition (format 0.0.4). */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public String contentType() {
        return writer.getContentType();
    }
}
