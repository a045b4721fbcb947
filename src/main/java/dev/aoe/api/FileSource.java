package dev.aoe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.Objects;

/** A regular file on the node. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!self.create || has(self.size)", message = "file.create needs file.size")
public class FileSource {
    /** A size as written in a spec: bytes, or a number with a binary suffix (K, Ki, M, Mi, ... P, Pi). */
    public static final String SIZE_PATTERN = "^[0-9]+([KMGTP]i?)?$";

    @Required
    @Pattern("^/")
    @JsonPropertyDescription("Absolute path on the node; it must lie under an allowed file root.")
    private String path;

    @Pattern(SIZE_PATTERN)
    @JsonPropertyDescription("Size to create or grow the file to, a multiple of 512 bytes (e.g. 10Gi). Never shrinks.")
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
