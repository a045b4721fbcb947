package dev.aoe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.Objects;

/** Where the data lives: exactly one of a regular file or a block device on the node. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.file) != has(self.device)",
        message = "source needs exactly one of file or device")
public class Source {
    @JsonPropertyDescription("A regular file, created sparse when missing and create is true.")
    private FileSource file;

    @JsonPropertyDescription("A block device; its size comes from the device.")
    private DeviceSource device;

    public FileSource getFile() {
        return file;
    }

    public void setFile(FileSource file) {
        this.file = file;
    }

    public DeviceSource getDevice() {
        return device;
    }

    public void setDevice(DeviceSource device) {
        this.device = device;
    }

    /** The host path of the source, whichever kind it is. */
    public String path() {
        return file != null ? file.getPath() : device != null ? device.getPath() : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Source s && Objects.equals(file, s.file) && Objects.equals(device, s.device);
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, device);
    }
}
