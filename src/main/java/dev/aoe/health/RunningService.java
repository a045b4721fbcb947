package dev.aoe.health;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The service this process runs, set by its command once the service runs: what the health
 * checks ask. The process runs one command, so there is one service at most.
 */
@ApplicationScoped
public class RunningService {
    private volatile ServiceHealth service;

    public void set(ServiceHealth service) {
        this.service = service;
    }

    public ServiceHealth get() {
        return service;
    }
}
