package dev.aoe.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The allowed arrows between the packages under dev.aoe, checked on the compiled main classes.
 * Read the table bottom-up: the wire format and the host (protocol, net, store) know nothing of
 * ours but the C library's loader (sys); ATA commands sit on the wire format and the store; the engine on those; Kubernetes and
 * Quarkus appear only in the top row, where the processes are put together.
 */
class LayersTest {
    private static final String ROOT = "dev.aoe";

    /** Each package, and the packages of ours it may use. A new package must be given its row. */
    private static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            // The C library's loader, under the two packages that call the kernel.
            entry("sys", Set.of()),
            // The wire, the host and the bytes: nothing of ours but that loader.
            entry("protocol", Set.of()),
            entry("net", Set.of("sys")),
            entry("store", Set.of("sys")),
            // ATA commands and the two ends of a conversation.
            entry("ata", Set.of("protocol", "store")),
            entry("responder", Set.of("ata", "protocol")),
            entry("initiator", Set.of("ata", "net", "protocol")),
            entry("engine", Set.of("ata", "initiator", "net", "protocol", "store", "responder")),
            // Rules and settings.
            entry("policy", Set.of("store")),
            entry("config", Set.of("policy")),
            // The CRD's types.
            entry("api", Set.of()),
            // Serving processes.
            entry("health", Set.of()),
            entry("metrics", Set.of("engine", "responder")),
            entry("bench", Set.of("ata", "initiator", "net", "protocol")),
            entry("agent", Set.of("api", "config", "engine", "net", "policy", "protocol", "store", "responder")),
            // The operator reads and writes Kubernetes objects; it never touches a frame.
            entry("operator", Set.of("api", "config", "policy", "store")),
            // The command line puts every process together.
            entry("cli", Set.of("agent", "bench", "config", "engine", "health", "initiator", "metrics",
                    "net", "operator", "protocol", "store")));

    /** Where Kubernetes and Quarkus may appear. */
    private static final Set<String> FRAMEWORK_PACKAGES = Set.of("agent", "operator", "cli", "health", "metrics",
            // The one exception: the CRD's types are Kubernetes objects (fabric8 model classes) by definition.
            "api");
    private static final String[] FRAMEWORKS = {"io.fabric8..", "io.javaoperatorsdk..", "io.quarkus..", "jakarta.enterprise.."};

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);

    private static String pkg(String name) {
        return ROOT + "." + name + "..";
    }

    private static String[] pkgs(Set<String> names) {
        return names.stream().map(LayersTest::pkg).toArray(String[]::new);
    }

    @Test
    void everyPackageHasItsRow() {
        Set<String> packages = MAIN.stream().map(c -> c.getPackageName().substring(ROOT.length() + 1).split("\\.")[0])
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(MAY_USE.keySet()), packages);
    }

    @Test
    void eachPackageUsesOnlyTheLayersOfItsRow() {
        MAY_USE.forEach((name, allowed) -> {
            Set<String> forbidden = new TreeSet<>(MAY_USE.keySet());
            forbidden.remove(name);
            forbidden.removeAll(allowed);
            noClasses().that().resideInAPackage(pkg(name))
                    .should().dependOnClassesThat().resideInAnyPackage(pkgs(forbidden))
                    .because(name + " may use only " + allowed)
                    .check(MAIN);
        });
    }

    @Test
    void ataKnowsNothingOfTheNetworkTheEngineOrKubernetes() {
        noClasses().that().resideInAPackage(pkg("ata"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("net"), pkg("engine"), "io.fabric8..",
                        "io.javaoperatorsdk..")
                .check(MAIN);
    }

    @Test
    void kubernetesAndQuarkusOnlyInTheTopRow() {
        Set<String> below = new TreeSet<>(MAY_USE.keySet());
        below.removeAll(FRAMEWORK_PACKAGES);
        noClasses().that().resideInAnyPackage(pkgs(below))
                .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
                .because("only agent, operator, cli, health and metrics (and the CRD types in api) are Kubernetes or Quarkus code")
                .check(MAIN);
    }

    @Test
    void theOperatorNeverTouchesAFrame() {
        noClasses().that().resideInAPackage(pkg("operator"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("engine"), pkg("net"), pkg("protocol"), pkg("ata"))
                .check(MAIN);
    }

    @Test
    void noCyclesBetweenPackages() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
    }
}
