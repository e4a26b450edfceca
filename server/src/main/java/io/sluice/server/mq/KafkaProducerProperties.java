package io.sluice.server.mq;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The properties Sluice's Kafka producer runs with, from the {@code kafka.*} keys (prefix removed), and the
 * decisions where those keys meet what Sluice needs for ordered, confirmed publishing:
 * <ul>
 *   <li>Default: idempotent producer, {@code acks=all}, up to 5 requests in flight (Kafka keeps a partition's
 *       order with idempotence for up to 5).</li>
 *   <li>canal's shipped {@code kafka.retries = 0} with idempotence not set: idempotence wins and {@code retries}
 *       keeps Kafka's default. canal ships 0 so that a retried request cannot overtake or repeat another; the
 *       idempotent producer retries without either, and a batch Kafka still cannot write within
 *       {@code delivery.timeout.ms} is published again by Sluice from its store. Logged once.</li>
 *   <li>{@code acks} 0/1 or {@code enable.idempotence=false}: no idempotence, one request in flight (canal's
 *       setting), {@code retries} as given.</li>
 *   <li>{@code enable.idempotence=true} set explicitly together with a setting Kafka refuses with it
 *       ({@code retries=0}, {@code acks} 0/1, more than 5 in flight): a configuration error.</li>
 * </ul>
 * Every value is checked against Kafka's own definitions here, so that a bad one is a configuration error
 * naming the key before the first batch, not a publish failure retried forever.
 */
final class KafkaProducerProperties {

    private static final Logger log = LoggerFactory.getLogger(KafkaProducerProperties.class);

    static final int MAX_IN_FLIGHT_WITH_IDEMPOTENCE = 5;

    /** Decisions already logged: every destination reads the same canal.properties, one line says it. */
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private static final Pattern INVALID_VALUE = Pattern.compile(
            "Invalid value (.*) for configuration ([^:\\s]+)(?::\\s*(.*))?", Pattern.DOTALL);

    private KafkaProducerProperties() {
    }

    /**
     * @throws MqSettingsException naming the {@code kafka.*} key and value that Kafka's client would refuse
     */
    static Map<String, Object> of(Map<String, String> userConfig) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, String.valueOf(MAX_IN_FLIGHT_WITH_IDEMPOTENCE));
        for (Map.Entry<String, String> e : userConfig.entrySet()) {
            // canal's kafka.kerberos.* shortcut is not a producer property; the key registry (config/ConfigKeys)
            // warns at startup when it is turned on
            if (!e.getKey().startsWith("kerberos.")) {
                config.put(e.getKey(), e.getValue());
            }
        }
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        validate(config);

        String acks = text(config, ProducerConfig.ACKS_CONFIG).toLowerCase(Locale.ROOT);
        boolean allAcks = acks.equals("all") || acks.equals("-1");
        String explicitIdempotence = userConfig.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
        boolean idempotent;
        if (explicitIdempotence != null && Boolean.parseBoolean(explicitIdempotence.trim())) {
            refuseConflicts(config, allAcks, acks);
            idempotent = true;
        } else if (explicitIdempotence != null) {
            idempotent = false;
        } else if (!allAcks) {
            // Kafka refuses idempotence without acks=all; the user asked for weaker acks, so idempotence goes
            logOnce("kafka.acks=" + acks + " disables the idempotent producer; publishing with one request in flight"
                    + " to keep order");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
            idempotent = false;
        } else {
            idempotent = true;
            if (config.containsKey(ProducerConfig.RETRIES_CONFIG) && retries(config) == 0) {
                logOnce("kafka.retries=0 is not applied: Sluice publishes with Kafka's idempotent producer, which"
                        + " retries a failed request without repeating or reordering records (within"
                        + " kafka.delivery.timeout.ms), and publishes a batch Kafka still did not confirm again from"
                        + " its store; set kafka.enable.idempotence=false to publish with retries=0");
                config.remove(ProducerConfig.RETRIES_CONFIG);
            }
        }
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, String.valueOf(idempotent));
        int inFlight = inFlight(config);
        int safe = idempotent ? MAX_IN_FLIGHT_WITH_IDEMPOTENCE : 1;
        if (inFlight > safe) {
            logOnce("kafka.max.in.flight.requests.per.connection=" + inFlight + " could reorder records on retry;"
                    + " using " + safe);
            config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, String.valueOf(safe));
        }
        return config;
    }

    private static void refuseConflicts(Map<String, Object> config, boolean allAcks, String acks) {
        String why = "conflicts with kafka.enable.idempotence=true (remove one of them)";
        if (!allAcks) {
            throw new MqSettingsException("kafka.acks", acks, why + ": the idempotent producer needs acks=all");
        }
        if (config.containsKey(ProducerConfig.RETRIES_CONFIG) && retries(config) == 0) {
            throw new MqSettingsException("kafka.retries", "0", why + ": the idempotent producer needs retries > 0");
        }
        if (inFlight(config) > MAX_IN_FLIGHT_WITH_IDEMPOTENCE) {
            throw new MqSettingsException("kafka.max.in.flight.requests.per.connection",
                    String.valueOf(inFlight(config)), why + ": the idempotent producer allows at most "
                            + MAX_IN_FLIGHT_WITH_IDEMPOTENCE);
        }
    }

    /** Kafka's own type and range checks of every known producer key, without building a producer. */
    private static void validate(Map<String, Object> config) {
        try {
            ProducerConfig.configDef().parse(config);
        } catch (ConfigException e) {
            throw settingsError(e, config);
        }
    }

    /** A {@link ConfigException} of Kafka's client as an error naming the {@code kafka.*} key and its value. */
    static MqSettingsException settingsError(ConfigException e, Map<String, ?> config) {
        String message = String.valueOf(e.getMessage());
        Matcher m = INVALID_VALUE.matcher(message);
        if (m.matches()) {
            String key = m.group(2);
            String problem = m.group(3) == null || m.group(3).isBlank() ? "is refused by Kafka's client" : m.group(3);
            return new MqSettingsException("kafka." + key, shown(key, m.group(1)), problem.strip());
        }
        // messages without the structured form ("... in bootstrap.servers"): name the longest key mentioned
        String named = null;
        for (String key : config.keySet()) {
            if (message.contains(key) && (named == null || key.length() > named.length())) {
                named = key;
            }
        }
        if (named != null) {
            return new MqSettingsException("kafka." + named, shown(named, String.valueOf(config.get(named))), message);
        }
        return new MqSettingsException("kafka.*", "", message);
    }

    private static String shown(String key, String value) {
        return key.contains("password") || key.contains("jaas") ? "******" : value;
    }

    private static String text(Map<String, Object> config, String key) {
        return String.valueOf(config.get(key)).trim();
    }

    private static int retries(Map<String, Object> config) {
        return Integer.parseInt(text(config, ProducerConfig.RETRIES_CONFIG));
    }

    private static int inFlight(Map<String, Object> config) {
        return Integer.parseInt(text(config, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION));
    }

    private static void logOnce(String decision) {
        if (LOGGED.add(decision)) {
            log.warn(decision);
        }
    }
}
