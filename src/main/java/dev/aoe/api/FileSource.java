package dev.aoe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

import java.util.Objects;

/** A regular file on the node. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!self.create || has(self.size)", message = "file.create needs file.size")
@ValidationRule(value = "!has(self.size) || !isQuantity(string(self.size)) || (quantity(string(self.size)).isInteger()"
        + " && quantity(string(self.size)).asInteger() >= 512 && quantity(string(self.size)).asInteger() % 512 == 0)",
        message = "file.size must be a positive multiple of 512 bytes (e.g. 10Gi = 10 * 2^30 bytes; 10G is 10^9)")
@ValidationRule(value = "self.path == oldSelf.path && self.create == oldSelf.create",
        message = "file.path and file.create are immutable: create a new AoeExport for another file")
@ValidationRule(value = "!has(oldSelf.size) || !isQuantity(string(oldSelf.size)) || (has(self.size)"
        + " && isQuantity(string(self.size))"
        + " && quantity(string(self.size)).compareTo(quantity(string(oldSelf.size))) >= 0)",
        message = "file.size may only grow: a served disk never shrinks (create a new AoeExport for a smaller one)")
public class FileSource {
    /** Bounds the CEL cost the API server estimates for the quantity rules (it scales with the length). */
    static final int MAX_SIZE_LENGTH = 64;

    @Required
    @Pattern("^/")
    @JsonPropertyDescription("Absolute path on the node; it must lie under an allowed file root.")
    private String path;

    @Pattern(ByteQuantity.PATTERN)
    @Size(max = MAX_SIZE_LENGTH)
    @SchemaFrom(type = IntOrString.class)
    @JsonPropertyDescription("Size to create or grow the file to, a Kubernetes quantity and a multiple of 512 bytes"
            + " (10Gi = 10 * 2^30 bytes; 10G = 10^9). May grow while served, never shrink.")
    private String size;

    @Default("false")
    @JsonPropertyDescription("Create the file, sparse, when it is missing.")
    private boolean create;

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public String getSize() {
        return size;
    }

    public void setSize(String size) {
        this.size = size;
    }

    public boolean isCreate() {
        return create;
    }

    public void setCreate(boolean create) {
        this.create = create;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileSource f && create == f.create && Objects.equals(path, f.path)
                && Objects.equals(size, f.size);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, size, create);
    }
}
