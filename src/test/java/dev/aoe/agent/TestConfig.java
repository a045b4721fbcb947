package dev.aoe.agent;

import dev.aoe.config.AoeConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.util.Map;

/** An {@link AoeConfig} built from properties, as Quarkus would, without starting Quarkus. */
final class TestConfig {
    private TestConfig() {
    }

    static AoeConfig of(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(AoeConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build()
                .getConfigMapping(AoeConfig.class);
    }
}
