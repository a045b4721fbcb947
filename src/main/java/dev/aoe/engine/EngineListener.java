package dev.aoe.engine;

import java.util.List;

/**
 * Told when an export starts and stops being served, e.g. to add and remove its metrics. Called
 * by the thread that adds or removes it, with the engine locked: return quickly.
 */
public interface EngineListener {
    EngineListener NONE = new EngineListener() {
        @Override
        public void served(ExportCounters export, List<? extends PortCounters> ports) {
        }

        @Override
        public void stopped(ExportCounters export, List<? extends PortCounters> ports) {
        }
    };

    /** The export is served on {@code ports}, one per interface. */
    void served(ExportCounters export, List<? extends PortCounters> ports);

    /** The export is no longer served; each port closes too if it carries no other export. */
    void stopped(ExportCounters export, List<? extends PortCounters> ports);
}
