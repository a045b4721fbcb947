package dev.aoe.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

import java.util.Objects;

/** A block device on the node, preferably by a stable name under /dev/disk/by-id. */
public class DeviceSource {
    @Required
    @Pattern("^/dev/")
    @JsonPropertyDescription("Absolute path of the block device; it must lie under an allowed device root.")
    private String path;

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceSource d && Objects.equals(path, d.path);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(path);
    }
}
