package dev.aoe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One interface the engine serves the export on, as initiators on that link see it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EnginePath {
    @JsonProperty("interface")
    @JsonPropertyDescription("The host interface.")
    private String interfaceName;

    @JsonPropertyDescription("Its MAC address: the source of the replies on this link.")
    private String mac;

    @JsonPropertyDescription("Its MTU.")
    private Integer mtu;

    @JsonPropertyDescription("Sectors per ATA frame on this link, (MTU - 36) / 512.")
    private Integer sectorsPerFrame;

    @JsonPropertyDescription("Whether the link is up; a down path serves again when its link comes up.")
    private boolean up;

    public String getInterfaceName() {
        return interfaceName;
    }

    public void setInterfaceName(String interfaceName) {
        this.interfaceName = interfaceName;
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

    public boolean isUp() {
        return up;
    }

    public void setUp(boolean up) {
        this.up = up;
    }
}
