package dev.aoe.config;

import dev.aoe.policy.PathPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/**
 * The operator's and the engine agent's configuration, in one typed place. Every key can be set
 * as an environment variable (e.g. {@code AOE_POLICY_FILE_ROOTS=/var/lib/aoe}); the Helm chart
 * sets them from its values.
 */
@ConfigMapping(prefix = "aoe")
public interface AoeConfig {
    /** Path policy: the only places exports may come from. */
    Policy policy();

    /** The interface an export is served on when its spec names none. */
    @WithDefault("eth0")
    String defaultInterface();

    /** The engine DaemonSet the operator owns. */
    EngineDaemonSet engine();

    /** The addresses the operator assigns to exports that name no shelf and slot. */
    AddressPool addressPool();

    /** Ranges such as {@code 100-109}, {@code 7}, or several joined by commas. */
    interface AddressPool {
        @WithDefault("100-109")
        String shelves();

        /** The slots on each of those shelves. */
        @WithDefault("0-254")
        String slots();
    }

    interface Policy {
        /** Directories under which file sources may lie. */
        @WithDefault("/var/lib/aoe")
        List<String> fileRoots();

        /** Directories under which device sources may lie. */
        @WithDefault("/dev/disk/by-id")
        List<String> deviceRoots();
    }

    interface EngineDaemonSet {
        /** Namespace of the engine DaemonSet: the operator's own. */
        @WithDefault("aoe-system")
        String namespace();

        @WithDefault("aoe-engine")
        String name();

        @WithDefault("aoe-operator:latest")
        String image();

        @WithDefault("IfNotPresent")
        String imagePullPolicy();

        /** Run engine pods privileged: needed for block-device sources. */
        @WithDefault("false")
        boolean privileged();

        /** Where each engine persists config strings, masks and reservations on its node. */
        @WithDefault("/var/lib/aoe-operator")
        String stateDirectory();

        /** Node selector of the engine pods, as key=value pairs. */
        Optional<List<String>> nodeSelector();
        /** Tolerations of the engine pods, a JSON array of Kubernetes Tolerations. */
        @WithDefault("[]")
        String tolerations();

        /** Image pull secrets of the engine pods. */
        Optional<List<String>> imagePullSecrets();

        /** Address the engine's health and metrics server binds on the host network. */
        @WithDefault("0.0.0.0")
        String bindAddress();

        /** More environment of the engine container, a JSON array of Kubernetes EnvVars; set last, so it wins. */
        @WithDefault("[]")
        String extraEnv();

        @WithDefault("50m")
        String cpuRequest();

        @WithDefault("128Mi")
        String memoryRequest();

        @WithDefault("512Mi")
        String memoryLimit();

        /** The engine's health and metrics port on the host network. */
        @WithDefault("9460")
        int port();

        /**
         * The operator's own Deployment, in the engine namespace: the owner of the engine
         * DaemonSet and the address table, so that deleting the operator (helm uninstall, kubectl
         * delete) deletes the engines through the garbage collector. Unset outside a cluster: they
         * then have no owner.
         */
        Optional<String> ownerDeployment();

        /** The ServiceAccount the engine pods run as. */
        @WithDefault("aoe-engine")
        String serviceAccount();
    }

    default PathPolicy pathPolicy() {
        return new PathPolicy(policy().fileRoots(), policy().deviceRoots());
    }
}
