package dev.aoe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.List;

/**
 * What to export, where and how. Node and source are fixed once created (but for a file.size that
 * grows), and so is the address once set: by the user, or by the operator from its pool when the
 * user names none.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.shelf) == has(self.slot)",
        message = "shelf and slot go together: set both, or neither for the operator to assign an address from its pool")
@ValidationRule(value = "(!has(oldSelf.shelf) || (has(self.shelf) && self.shelf == oldSelf.shelf))"
        + " && (!has(oldSelf.slot) || (has(self.slot) && self.slot == oldSelf.slot))",
        message = "shelf and slot are immutable once set: create a new AoeExport for another address")
@ValidationRule(value = "self.nodeName == oldSelf.nodeName",
        message = "nodeName is immutable: create a new AoeExport to serve from another node")
@ValidationRule(value = "has(self.source.file) == has(oldSelf.source.file)"
        + " && (!has(self.source.device) || self.source.device == oldSelf.source.device)",
        message = "source is immutable but for file.size, which may grow: create a new AoeExport for another file"
                + " or device")
@ValidationRule(value = "!has(self.length) || !has(self.source.file) || !has(oldSelf.source.file)"
        + " || !has(oldSelf.source.file.size) || !isQuantity(string(oldSelf.source.file.size))"
        + " || (has(self.source.file.size) && isQuantity(string(self.source.file.size))"
        + " && quantity(string(self.source.file.size)).compareTo(quantity(string(oldSelf.source.file.size))) == 0)",
        message = "file.size may grow only on an export without length: an export with a length keeps it")
@ValidationRule(value = "!has(self.offset) || self.offset % 512 == 0", message = "offset must be a multiple of 512 bytes")
@ValidationRule(value = "!has(self.length) || self.length % 512 == 0", message = "length must be a multiple of 512 bytes")
@ValidationRule(value = "!has(self.interface) || !has(self.interfaces)",
        message = "set interface (one) or interfaces (several), not both")
public class AoeExportSpec {
    public static final String MAC_PATTERN = "^([0-9A-Fa-f]{2}[:-]?){5}[0-9A-Fa-f]{2}$";
    public static final String NODE_NAME_PATTERN = "^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$";
    /** A Linux interface name: at most 15 characters (IFNAMSIZ - 1). */
    public static final String INTERFACE_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,14}$";
    public static final int MAX_SHELF = 65534;
    public static final int MAX_SLOT = 254;
    public static final int MIN_BUFFER_COUNT = 2;
    public static final int MAX_BUFFER_COUNT = 65535;
    public static final int MAX_ALLOWED_INITIATORS = 128;
    public static final int MAX_CONFIG_STRING_BYTES = 1024;
    /** Paths one export may have; the engine serves at most as many. */
    public static final int MAX_INTERFACES = 8;

    @Min(0)
    @Max(MAX_SHELF)
    @JsonPropertyDescription("AoE shelf (major) address, 0-65534; 65535 is broadcast. With slot, or neither: "
            + "the operator then assigns a free address from its pool and writes it here.")
    private Integer shelf;

    @Min(0)
    @Max(MAX_SLOT)
    @JsonPropertyDescription("AoE slot (minor) address, 0-254; 255 is broadcast. With shelf, or neither.")
    private Integer slot;

    @Required
    @Pattern(NODE_NAME_PATTERN)
    @JsonPropertyDescription("The node whose engine serves this export.")
    private String nodeName;

    @Pattern(INTERFACE_PATTERN)
    @JsonProperty("interface")
    @JsonPropertyDescription("Host network interface to serve on; defaults to the operator's configured default.")
    private String interfaceName;

    @Size(min = 1, max = MAX_INTERFACES)
    @ValidationRule(value = "self.all(i, self.exists_one(j, j == i))", message = "interfaces must not repeat")
    @JsonPropertyDescription("Host network interfaces to serve on, each a path to the same disk (multipath): the export "
            + "answers on each with that interface's MAC. Instead of interface, not with it.")
    private List<@Pattern(INTERFACE_PATTERN) String> interfaces;

    @Required
    @JsonPropertyDescription("Exactly one of file or device.")
    private Source source;

    @Min(0)
    @JsonPropertyDescription("Bytes of the source skipped before the export starts (vblade -o), a multiple of 512.")
    private Long offset;

    @Min(512)
    @JsonPropertyDescription("Bytes exported (vblade -l), a multiple of 512; defaults to the rest of the source.")
    private Long length;

    @Default("false")
    @JsonPropertyDescription("Serve read-only: writes fail with ATA ABRT.")
    private Boolean readOnly;

    @Size(max = MAX_ALLOWED_INITIATORS)
    @JsonPropertyDescription("MACs of the initiators allowed to use the export; empty allows any (vblade -m).")
    private List<@Pattern(MAC_PATTERN) String> allowedInitiators = new ArrayList<>();

    @Default("Off")
    @JsonPropertyDescription("Off: a write is acknowledged once durable. WriteBack: from the page cache (faster; "
            + "a node crash loses acknowledged writes).")
    private WriteCacheMode writeCache;

    @Default("16")
    @Min(MIN_BUFFER_COUNT)
    @Max(MAX_BUFFER_COUNT)
    @JsonPropertyDescription("Outstanding frames advertised to initiators (vblade -b); the Linux initiator needs at least 2.")
    private Integer bufferCount;

    @Size(max = MAX_CONFIG_STRING_BYTES)
    @JsonPropertyDescription("The AoE config string the export starts with.")
    private String configString;

    @Default("Retain")
    @JsonPropertyDescription("Retain keeps the file when the export is deleted; Delete removes a file the export created.")
    private ReclaimPolicy reclaimPolicy;

    public Integer getShelf() {
        return shelf;
    }

    public void setShelf(Integer shelf) {
        this.shelf = shelf;
    }

    public Integer getSlot() {
        return slot;
    }

    public void setSlot(Integer slot) {
        this.slot = slot;
    }

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public String getInterfaceName() {
        return interfaceName;
    }

    public void setInterfaceName(String interfaceName) {
        this.interfaceName = interfaceName;
    }

    public List<String> getInterfaces() {
        return interfaces;
    }

    public void setInterfaces(List<String> interfaces) {
        this.interfaces = interfaces;
    }

    /** Where the export is served: {@code interfaces}, else {@code interface}, else {@code defaultInterface}. */
    public List<String> interfaces(String defaultInterface) {
        if (interfaces != null && !interfaces.isEmpty()) {
            return interfaces;
        }
        return List.of(interfaceName != null ? interfaceName : defaultInterface);
    }

    public Source getSource() {
        return source;
    }

    public void setSource(Source source) {
        this.source = source;
    }

    public Long getOffset() {
        return offset;
    }

    public void setOffset(Long offset) {
        this.offset = offset;
    }

    public Long getLength() {
        return length;
    }

    public void setLength(Long length) {
        this.length = length;
    }

    public Boolean getReadOnly() {
        return readOnly;
    }

    public void setReadOnly(Boolean readOnly) {
        this.readOnly = readOnly;
    }

    public boolean readOnly() {
        return Boolean.TRUE.equals(readOnly);
    }

    public List<String> getAllowedInitiators() {
        return allowedInitiators;
    }

    public void setAllowedInitiators(List<String> allowedInitiators) {
        this.allowedInitiators = allowedInitiators == null ? new ArrayList<>() : allowedInitiators;
    }

    public WriteCacheMode getWriteCache() {
        return writeCache;
    }

    public void setWriteCache(WriteCacheMode writeCache) {
        this.writeCache = writeCache;
    }

    public WriteCacheMode writeCache() {
        return writeCache == null ? WriteCacheMode.Off : writeCache;
    }

    public Integer getBufferCount() {
        return bufferCount;
    }

    public void setBufferCount(Integer bufferCount) {
        this.bufferCount = bufferCount;
    }

    public int bufferCount() {
        return bufferCount == null ? 16 : bufferCount;
    }

    public String getConfigString() {
        return configString;
    }

    public void setConfigString(String configString) {
        this.configString = configString;
    }

    public ReclaimPolicy getReclaimPolicy() {
        return reclaimPolicy;
    }

    public void setReclaimPolicy(ReclaimPolicy reclaimPolicy) {
        this.reclaimPolicy = reclaimPolicy;
    }

    public ReclaimPolicy reclaimPolicy() {
        return reclaimPolicy == null ? ReclaimPolicy.Retain : reclaimPolicy;
    }
}
