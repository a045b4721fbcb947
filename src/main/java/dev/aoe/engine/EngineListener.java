package dev.aoe.engine;

/**
 * Told when an export starts and stops being served, e.g. to add and remove its metrics. Called
 * by the thread that adds or removes it, with the engine locked: return quickly.
 */
public interface EngineListener {
    EngineListener NONE = new EngineListener() {
        @Override
        public void served(ExportCounters export, PortCounters port) {
        }

        @Override
        public void stopped(ExportCounters export, PortCounters port) {
        }
    };

    /** The export is served on {@code port}. */
    void served(ExportCounters export, PortCounters port);

    /** The export is no longer served; the port closes too if it carries no other export. */
    void stopped(ExportCounters export, PortCounters port);
}
