package dev.aoe.config;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The engine's environment, rendered from the operator's configuration, loads back as the same
 * configuration: every name is one SmallRye maps to a property of {@link AoeConfig} (or of
 * Quarkus' HTTP server), and every value survives the trip.
 */
class EngineSettingsTest {
    /** Nothing at its default, so a variable the engine does not read would show. */
    private static final Map<String, String> SET = Map.of(
            "aoe.policy.file-roots", "/srv/a,/srv/b",
            "aoe.policy.device-roots", "/dev/disk/by-path,/mnt/devices",
            "aoe.default-interface", "ens5",
            "aoe.engine.state-directory", "/var/lib/elsewhere",
            "aoe.engine.port", "9999",
            "aoe.engine.bind-address", "10.1.2.3");

    private static SmallRyeConfig load(Map<String, String> defaults, Map<String, String> env) {
        return new SmallRyeConfigBuilder().withMapping(AoeConfig.class).withDefaultValues(defaults)
                .withSources(new EnvConfigSource(env, EnvConfigSource.ORDINAL)).build();
    }

    @Test
    void theEnvironmentLoadsBackAsTheSameConfiguration() {
        AoeConfig original = load(SET, Map.of()).getConfigMapping(AoeConfig.class);
        Map<String, String> env = EngineSettings.environment(original);
        SmallRyeConfig loaded = load(Map.of(), env);
        AoeConfig engine = loaded.getConfigMapping(AoeConfig.class);

        assertEquals(original.policy().fileRoots(), engine.policy().fileRoots());
        assertEquals(original.policy().deviceRoots(), engine.policy().deviceRoots());
        assertEquals(original.defaultInterface(), engine.defaultInterface());
        assertEquals(original.engine().stateDirectory(), engine.engine().stateDirectory());
        assertEquals(original.engine().port(), engine.engine().port());
        // Each property comes from the environment, under the name rendered for it.
        EngineSettings.properties(original).forEach((property, value) -> {
            assertEquals(value, loaded.getConfigValue(property).getValue(), property);
            assertEquals(EnvConfigSource.NAME, loaded.getConfigValue(property).getSourceName(), property);
        });
        assertEquals("9999", loaded.getRawValue("quarkus.http.port"));
        assertEquals("10.1.2.3", loaded.getRawValue("quarkus.http.host"));
    }

    @Test
    void theTestConfigurationDiffersFromTheDefaults() {
        AoeConfig defaults = load(Map.of(), Map.of()).getConfigMapping(AoeConfig.class);
        AoeConfig set = load(SET, Map.of()).getConfigMapping(AoeConfig.class);
        EngineSettings.properties(defaults).forEach((property, value) -> {
            if (!property.equals("quarkus.http.host-enabled")) {
                assertNotEquals(value, EngineSettings.properties(set).get(property), property);
            }
        });
    }

    @Test
    void namesFollowSmallRyesRule() {
        assertEquals("AOE_POLICY_FILE_ROOTS", EngineSettings.envName("aoe.policy.file-roots"));
        assertEquals("QUARKUS_HTTP_HOST_ENABLED", EngineSettings.envName("quarkus.http.host-enabled"));
    }
}
