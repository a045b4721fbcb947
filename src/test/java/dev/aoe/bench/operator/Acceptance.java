package dev.aoe.bench.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.api.Conditions;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** Waits, by polling the API server as a user would, until exports are Accepted=True. */
final class Acceptance {
    private static final long ALL_POLL_MILLIS = 200;
    private static final long ONE_POLL_MILLIS = 5;

    private final KubernetesClient client;
    private final Duration timeout;

    Acceptance(KubernetesClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    static boolean accepted(AoeExport export) {
        return export != null && export.getStatus() != null && export.getStatus().getConditions().stream()
                .anyMatch(c -> Conditions.ACCEPTED.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** Nanosecond time at which at least {@code count} exports were seen accepted. */
    long awaitAll(int count) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long accepted = client.resources(AoeExport.class).list().getItems().stream().filter(Acceptance::accepted).count();
            long now = System.nanoTime();
            if (accepted >= count) {
                return now;
            }
            if (now > deadline) {
                throw new TimeoutException(accepted + " of " + count + " exports accepted after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(ALL_POLL_MILLIS);
        }
    }

    /** Nanosecond time at which export {@code name} was seen accepted. */
    long awaitOne(String name) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!accepted(client.resources(AoeExport.class).withName(name).get())) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(name + " not accepted after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(ONE_POLL_MILLIS);
        }
        return System.nanoTime();
    }
}
