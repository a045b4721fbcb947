package dev.aoe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;

/** What the engine on the export's node measured and did: the only status it writes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EngineReport {
    @JsonPropertyDescription("Whether the engine serves the export now.")
    private boolean serving;

    @JsonPropertyDescription("Serving, Starting, SourceUnavailable, PathNotAllowed, InterfaceDown, AddressInUse, ...")
    private String reason;

    @JsonPropertyDescription("What is wrong and what to do, for people.")
    private String message;

    @JsonPropertyDescription("The spec generation this report is about.")
    private Long generation;

    @JsonPropertyDescription("Each interface the export is served on (several for multipath) and whether its link is up.")
    private List<EnginePath> paths;

    @JsonPropertyDescription("MAC address of the serving interface (the first that is up).")
    private String mac;

    @JsonPropertyDescription("MTU of the serving interface.")
    private Integer mtu;

    @JsonPropertyDescription("Sectors per ATA frame, (MTU - 36) / 512.")
    private Integer sectorsPerFrame;

    @JsonPropertyDescription("Size served, in bytes.")
    private Long sizeBytes;

    @JsonPropertyDescription("Size served, in 512-byte sectors.")
    private Long sectors;

    @JsonPropertyDescription("Off or WriteBack, as served.")
    private String writeCache;

    @JsonPropertyDescription("Since when the export is served (RFC 3339).")
    private String servingSince;

    @JsonPropertyDescription("Whether the engine created the source file (it deletes only such files, on reclaimPolicy Delete).")
    private Boolean createdSource;

    public boolean isServing() {
        return serving;
    }

    public void setServing(boolean serving) {
        this.serving = serving;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public Long getGeneration() {
        return generation;
    }

    public void setGeneration(Long generation) {
        this.generation = generation;
    }

    public List<EnginePath> getPaths() {
        return paths;
    }

    public void setPaths(List<EnginePath> paths) {
        this.paths = paths;
    }

    public String getMac() {
        return mac;
    }

    public void setMac(String mac) {
        this.mac = mac;
    }

    public Integer getMtu() {
        return mtu;
    }

    public void setMtu(Integer mtu) {
        this.mtu = mtu;
    }

    public Integer getSectorsPerFrame() {
        return sectorsPerFrame;
    }

    public void setSectorsPerFrame(Integer sectorsPerFrame) {
        this.sectorsPerFrame = sectorsPerFrame;
    }

    public Long getSizeBytes() {
        return sizeBytes;
    }

    public void setSizeBytes(Long sizeBytes) {
        this.sizeBytes = sizeBytes;
    }

    public Long getSectors() {
        return sectors;
    }

    public void setSectors(Long sectors) {
        this.sectors = sectors;
    }

    public String getWriteCache() {
        return writeCache;
    }

    public void setWriteCache(String writeCache) {
        this.writeCache = writeCache;
    }

    public String getServingSince() {
        return servingSince;
    }

    public void setServingSince(String servingSince) {
        this.servingSince = servingSince;
    }

    public Boolean getCreatedSource() {
        return createdSource;
    }

    public void setCreatedSource(Boolean createdSource) {
        this.createdSource = createdSource;
    }
}
