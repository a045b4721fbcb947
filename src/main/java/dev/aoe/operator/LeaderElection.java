package dev.aoe.operator;

import dev.aoe.config.AoeConfig;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * One active operator at a time, through a Lease named {@value #LEASE} in the operator's
 * namespace. The Quarkus Operator SDK picks this bean up in the profiles listed in
 * {@code quarkus.operator-sdk.activate-leader-election-for-profiles} (prod: a deployed operator).
 * The leader also keeps the engine DaemonSet ({@link EngineDaemonSetOwner#whenLeading}).
 */
public class LeaderElection {
    public static final String LEASE = "aoe-operator";

    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(AoeConfig config, EngineDaemonSetOwner engineDaemonSet) {
        return engineDaemonSet.whenLeading(new LeaderElectionConfiguration(LEASE, config.engine().namespace()));
    }
}
