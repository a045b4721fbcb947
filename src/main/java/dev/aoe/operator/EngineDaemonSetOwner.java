package dev.aoe.operator;

import dev.aoe.config.AoeConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the engine DaemonSet in its desired form ({@link EngineDaemonSet}): creates it when
 * missing, replaces it when its form or owner differ. Triggered by the DaemonSet alone (at start,
 * and when it changes or is deleted), never by the exports: the form depends on the configuration only.
 * <p>
 * Only the leading operator writes it: with leader election, the election's callbacks
 * ({@link #whenLeading}) start it; without, {@link #startWith} does. The operator's Deployment
 * owns the DaemonSet, so whatever deletes the operator deletes the engines through the garbage
 * collector: no privileged pod outlives the operator and its RBAC.
 */
@Singleton
public class EngineDaemonSetOwner implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EngineDaemonSetOwner.class.getName());
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration LAST_RETRY = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final AoeConfig.EngineDaemonSet config;
    private final EngineDaemonSet template;
    private final String desiredHash;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "engine-daemonset");
        t.setDaemon(true);
        return t;
    });
    /** A pass is queued and has not begun: further triggers fold into it. */
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile SharedIndexInformer<DaemonSet> informer;
    private final OperatorDeployment operatorDeployment;
    private Duration retry = FIRST_RETRY;

    @Inject
    public EngineDaemonSetOwner(KubernetesClient client, AoeConfig config) {
        this.client = client;
        this.config = config.engine();
        this.template = new EngineDaemonSet(config);
        this.operatorDeployment = new OperatorDeployment(this.config.namespace(), this.config.ownerDeployment());
        this.desiredHash = template.desired().getMetadata().getAnnotations().get(EngineDaemonSet.SPEC_HASH_ANNOTATION);
    }

    /** {@code election}, starting this owner when the replica leads and stopping it when it stops leading. */
    public LeaderElectionConfiguration whenLeading(LeaderElectionConfiguration election) {
        LeaderCallbacks callbacks = new LeaderCallbacks(this::start, this::close, leader -> { });
        return new LeaderElectionConfiguration(election.getLeaseName(), election.getLeaseNamespace().orElse(null),
                election.getLeaseDuration(), election.getRenewDeadline(), election.getRetryPeriod(),
                election.getIdentity().orElse(null), callbacks, election.isExitOnStopLeading());
    }

    /** Starts now when {@code operator} runs without leader election; with it, {@link #whenLeading} starts this owner. */
    public void startWith(Operator operator) {
        Optional<LeaderElectionConfiguration> election = operator.getConfigurationService().getLeaderElectionConfiguration();
        if (election.isEmpty()) {
            start();
        } else if (election.get().getLeaderCallbacks().isEmpty()) {
            throw new IllegalStateException("leader election without EngineDaemonSetOwner.whenLeading: no engine DaemonSet would be kept");
        }
    }

    /** Watches the DaemonSet and brings it to its desired form; once only. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        SharedIndexInformer<DaemonSet> watching = client.apps().daemonSets().inNamespace(config.namespace())
                .withLabels(template.selector()).runnableInformer(0);
        watching.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(DaemonSet ds) {
                request();
            }

            @Override
            public void onUpdate(DaemonSet before, DaemonSet now) {
                if (formOrOwnerChanged(before, now)) {
                    request();
                }
            }

            @Override
            public void onDelete(DaemonSet ds, boolean deletedFinalStateUnknown) {
                request();
            }
        });
        // Set before it runs: its first events already read its cache.
        informer = watching;
        watching.run();
        // Also when there is none to announce itself.
        request();
    }

    @Override
    public void close() {
        SharedIndexInformer<DaemonSet> i = informer;
        if (i != null) {
            i.stop();
        }
        executor.shutdownNow();
    }

    private void request() {
        if (!executor.isShutdown() && queued.compareAndSet(false, true)) {
            executor.execute(this::pass);
        }
    }

    private void pass() {
        queued.set(false);
        try {
            ensure(cached());
            retry = FIRST_RETRY;
        } catch (RuntimeException e) {
            if (executor.isShutdown()) {
                return;
            }
            LOG.log(Level.WARNING, e, () -> "engine DaemonSet not written; again in " + retry.toMillis() + " ms");
            executor.schedule(this::request, retry.toMillis(), TimeUnit.MILLISECONDS);
            retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
        }
    }

    private DaemonSet cached() {
        return informer.getStore().getByKey(Cache.namespaceKeyFunc(config.namespace(), config.name()));
    }

    /**
     * Creates the DaemonSet when missing and replaces it when its desired form or owner changed.
     * A create that meets AlreadyExists means the cache had not seen it yet: its event follows.
     *
     * @param current the DaemonSet as cached, or null when there is none
     */
    private void ensure(DaemonSet current) {
        OwnerReference owner = operatorDeployment.ownerReference(client);
        if (current == null) {
            try {
                client.apps().daemonSets().inNamespace(config.namespace()).resource(template.desired(owner)).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw e;
                }
            }
        } else if (!desiredHash.equals(hashOf(current)) || !ownedBy(current, owner)) {
            DaemonSet desired = template.desired(owner);
            desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
            client.apps().daemonSets().inNamespace(config.namespace()).resource(desired).update();
        }
    }

    private static boolean formOrOwnerChanged(HasMetadata before, HasMetadata now) {
        return !Objects.equals(before.getMetadata().getGeneration(), now.getMetadata().getGeneration())
                || !Objects.equals(hashOf(before), hashOf(now))
                || !Objects.equals(before.getMetadata().getOwnerReferences(), now.getMetadata().getOwnerReferences());
    }

    private static String hashOf(HasMetadata ds) {
        return Optional.ofNullable(ds.getMetadata().getAnnotations()).map(a -> a.get(EngineDaemonSet.SPEC_HASH_ANNOTATION))
                .orElse(null);
    }

    /** Whether {@code ds} names {@code owner} (when there is one) among its owners: one from an older operator may not. */
    private static boolean ownedBy(DaemonSet ds, OwnerReference owner) {
        return owner == null || Optional.ofNullable(ds.getMetadata().getOwnerReferences()).orElse(List.of()).stream()
                .anyMatch(o -> owner.getUid().equals(o.getUid()));
    }
}
