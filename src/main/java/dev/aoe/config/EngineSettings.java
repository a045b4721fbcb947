package dev.aoe.config;

import io.smallrye.config.common.utils.StringUtil;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The part of the operator's configuration its engines read too, and the engine's HTTP server
 * settings derived from it: one table of property names, the only place they are written. The
 * DaemonSet passes them as environment variables named by SmallRye's rule for environment
 * sources, so the engine loads them into the same {@link AoeConfig} (EngineSettingsTest checks
 * the round trip).
 */
public final class EngineSettings {
    private EngineSettings() {
    }

    /** Property name to value, in a fixed order. */
    public static Map<String, String> properties(AoeConfig config) {
        AoeConfig.EngineDaemonSet engine = config.engine();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("aoe.policy.file-roots", String.join(",", config.policy().fileRoots()));
        properties.put("aoe.policy.device-roots", String.join(",", config.policy().deviceRoots()));
        properties.put("aoe.default-interface", config.defaultInterface());
        properties.put("aoe.engine.state-directory", engine.stateDirectory());
        properties.put("aoe.engine.port", Integer.toString(engine.port()));
        // Health and metrics are served over HTTP on the engine port; the CLI commands bind no port.
        properties.put("quarkus.http.host-enabled", "true");
        properties.put("quarkus.http.port", Integer.toString(engine.port()));
        properties.put("quarkus.http.host", engine.bindAddress());
        return properties;
    }

    /** Environment variable name to value: {@link #properties} under {@link #envName}. */
    public static Map<String, String> environment(AoeConfig config) {
        Map<String, String> env = new LinkedHashMap<>();
        properties(config).forEach((name, value) -> env.put(envName(name), value));
        return env;
    }

    /** The environment variable SmallRye maps to {@code property}: non-alphanumerics to '_', upper case. */
    public static String envName(String property) {
        return StringUtil.replaceNonAlphanumericByUnderscores(property).toUpperCase(Locale.ROOT);
    }
}
