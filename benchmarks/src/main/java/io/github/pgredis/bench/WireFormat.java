package io.github.pgredis.bench;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.storage.Converter;

/**
 * How change events are encoded on the topic: the converter settings a connector is given, and the same converters
 * instantiated to write the topic.
 */
record WireFormat(Map<String, String> converterSettings) {

    /** Debezium's default: JsonConverter with schemas in every record. */
    static WireFormat json() {
        return new WireFormat(Map.of(
                "key.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter", "org.apache.kafka.connect.json.JsonConverter"));
    }

    /** Apicurio's AvroConverter in Confluent wire format, with the settings of pg-source-config's Avro connector. */
    static WireFormat avro(String registryApiUrl) {
        Map<String, String> settings = new HashMap<>();
        for (String side : new String[] {"key", "value"}) {
            String prefix = side + ".converter";
            settings.put(prefix, "io.apicurio.registry.utils.converter.AvroConverter");
            settings.put(prefix + ".apicurio.registry.url", registryApiUrl);
            settings.put(prefix + ".apicurio.registry.auto-register", "true");
            settings.put(prefix + ".apicurio.registry.find-latest", "true");
            settings.put(prefix + ".apicurio.registry.as-confluent", "true");
            settings.put(prefix + ".apicurio.registry.use-id", "contentId");
        }
        return new WireFormat(Map.copyOf(settings));
    }

    /** The key or value converter, configured as a Connect worker would from these settings. */
    Converter converter(boolean isKey) {
        String prefix = isKey ? "key.converter" : "value.converter";
        try {
            Converter converter = Utils.newInstance(converterSettings.get(prefix), Converter.class);
            Map<String, String> config = new HashMap<>();
            converterSettings.forEach((key, value) -> {
                if (key.startsWith(prefix + ".")) {
                    config.put(key.substring(prefix.length() + 1), value);
                }
            });
            converter.configure(config, isKey);
            return converter;
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("converter class missing from the benchmark's classpath", e);
        }
    }
}
