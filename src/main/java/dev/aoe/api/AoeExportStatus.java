package dev.aoe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/**
 * The export's observed state. One writer per field: the engine writes only {@link #engine};
 * the operator writes everything else, derived from the spec, the cluster and that report.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AoeExportStatus {
    @JsonPropertyDescription("Accepted, Serving and Ready, with reasons and messages.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Pending, Serving, Degraded, Failed or Terminating.")
    private String phase;

    @JsonPropertyDescription("The AoE name initiators see, e.g. e1.0.")
    private String target;

    @JsonPropertyDescription("The node serving the export.")
    private String node;

    @JsonPropertyDescription("The interfaces it is served on, comma separated.")
    @com.fasterxml.jackson.annotation.JsonProperty("interface")
    private String interfaceName;

    @JsonPropertyDescription("Size as served, for people (e.g. 10Gi).")
    private String size;

    @JsonPropertyDescription("A sentence on the state: what is wrong and what to do.")
    private String message;

    @JsonPropertyDescription("The spec generation the operator last accepted; the engine serves that one.")
    private Long acceptedGeneration;

    @JsonPropertyDescription("spec.source.file.size of the accepted generation: a later one may only grow it.")
    private String acceptedFileSize;

    @JsonPropertyDescription("The spec generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("The engine's own report, written by the engine on the export's node.")
    private EngineReport engine;

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : conditions;
    }

    public String getPhase() {
        return phase;
    }

    public void setPhase(String phase) {
        this.phase = phase;
    }

    public String getTarget() {
        return target;
    }

    public void setTarget(String target) {
        this.target = target;
    }

    public String getNode() {
        return node;
    }

    public void setNode(String node) {
        this.node = node;
    }

    public String getInterfaceName() {
        return interfaceName;
    }

    public void setInterfaceName(String interfaceName) {
        this.interfaceName = interfaceName;
    }

    public String getSize() {
        return size;
    }

    public void setSize(String size) {
        this.size = size;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public String getAcceptedFileSize() {
        return acceptedFileSize;
    }

    public void setAcceptedFileSize(String acceptedFileSize) {
        this.acceptedFileSize = acceptedFileSize;
    }

    public Long getAcceptedGeneration() {
        return acceptedGeneration;
    }

    public void setAcceptedGeneration(Long acceptedGeneration) {
        this.acceptedGeneration = acceptedGeneration;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public EngineReport getEngine() {
        return engine;
    }

    public void setEngine(EngineReport engine) {
        this.engine = engine;
    }
}
