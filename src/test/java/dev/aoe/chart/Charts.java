package dev.aoe.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Renders the chart with the bundled Helm and parses what it renders. */
final class Charts {
    static final Path PROJECT = Path.of(System.getProperty("aoe.project.dir", ".")).toAbsolutePath().normalize();
    static final Path CHART = PROJECT.resolve("charts/aoe-operator");
    static final String RELEASE = "aoe";
    static final String NAMESPACE = "aoe-system";
    /** The bundled Helm assumes Kubernetes 1.20 unless told; the chart needs 1.25 or later. */
    static final String KUBE_VERSION = "v1.31.0";

    private Charts() {
    }

    static Helm helm() {
        return new Helm(CHART);
    }

    /** {@code helm template aoe charts/aoe-operator -n aoe-system} with what {@code options} adds. */
    static String render(UnaryOperator<TemplateCommand> options) {
        return options.apply(helm().template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION)).call();
    }

    static String render(Map<String, Object> sets) {
        return render(t -> {
            sets.forEach(t::set);
            return t;
        });
    }

    /** The rendered documents, typed where fabric8 knows the kind, generic otherwise. */
    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
                continue;
            }
            out.add(Serialization.unmarshal(doc));
        }
        return out;
    }

    static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
        return find(objects, type, name).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    static <T extends HasMetadata> Optional<T> find(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }
}
