package dev.aoe.chart;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records the Kubernetes API calls a component makes against the fabric8 mock server, as RBAC
 * sees them: (API group, resource[/subresource], verb). The component gets its own client whose
 * User-Agent names it, so calls a test makes to set the scene are told apart from the code's.
 * Tests that exercise the operator or the engine agent tag their client with {@link #client} and
 * hand the mock server to {@link #collect} when done; {@link RbacMinimalityTest} compares the
 * union with the chart's roles. {@link LeaseRbacTest} takes each request in order with
 * {@link #take}, object names included.
 */
public final class ApiCalls {
    private static final String AGENT = "aoe-rbac-record/";
    private static final Map<String, Set<String>> CALLS = new ConcurrentHashMap<>();

    private ApiCalls() {
    }

    /** A client like {@code client} (same server) whose requests are recorded as {@code component}'s. */
    public static KubernetesClient client(KubernetesClient client, String component) {
        Config config = new ConfigBuilder(client.getConfiguration()).withUserAgent(AGENT + component).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** Drains the server's recorded requests, keeping the tagged ones. */
    public static void collect(KubernetesMockServer server) {
        drain(server).forEach((component, requests) -> requests.forEach(r -> CALLS
                .computeIfAbsent(component, c -> ConcurrentHashMap.newKeySet()).add(r.grant())));
    }

    /** Drains the server's recorded requests: {@code component}'s, in the order they came. */
    static List<Request> take(KubernetesMockServer server, String component) {
        return drain(server).getOrDefault(component, List.of());
    }

    private static Map<String, List<Request>> drain(KubernetesMockServer server) {
        Map<String, List<Request>> out = new TreeMap<>();
        try {
            RecordedRequest r;
            while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
                String agent = r.getHeader("User-Agent");
                if (agent != null && agent.startsWith(AGENT)) {
                    out.computeIfAbsent(agent.substring(AGENT.length()), c -> new ArrayList<>())
                            .add(request(r.getMethod(), r.getPath()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** What {@code component} was seen to call, as "group resource verb" ("" is the core group). */
    static Set<String> recorded(String component) {
        return new TreeSet<>(CALLS.getOrDefault(component, Set.of()));
    }

    static void clear() {
        CALLS.clear();
    }

    /**
     * One request as the API server's authorizer sees it: API group ("" is the core group),
     * resource[/subresource], the object's name ("" for a collection: what a rule's resourceNames
     * can match) and verb. A non-resource path (discovery) has group "nonResource" and the path as
     * its resource.
     */
    record Request(String group, String resource, String name, String verb) {
        /** "group resource verb", as a role grants it. */
        String grant() {
            return group + " " + resource + " " + verb;
        }
    }

    /**
     * Maps an HTTP request to the RBAC attributes the API server checks: GET of one object is
     * get, of a collection list (watch with {@code watch=true}); POST create; PUT update; PATCH
     * patch; DELETE delete (deletecollection on a collection).
     */
    static Request request(String method, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
        String[] s = path.replaceAll("^/+|/+$", "").split("/");
        Request nonResource = new Request("nonResource", path, "", method.toLowerCase());
        String group;
        int i;
        if (s.length >= 2 && s[0].equals("api")) {
            group = "";
            i = 2;
        } else if (s.length >= 3 && s[0].equals("apis")) {
            group = s[1];
            i = 3;
        } else {
            return nonResource;
        }
        if (s.length - i >= 3 && s[i].equals("namespaces")) {
            i += 2;
        }
        if (s.length <= i) {
            return nonResource;
        }
        String resource = s[i];
        String name = s.length > i + 1 ? s[i + 1] : "";
        if (s.length > i + 2) {
            resource += "/" + s[i + 2];
        }
        boolean watch = query.matches("(^|.*&)watch=(true|1)(&.*|$)");
        String verb = switch (method.toUpperCase()) {
            case "GET" -> watch ? "watch" : name.isEmpty() ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name.isEmpty() ? "deletecollection" : "delete";
            default -> method.toLowerCase();
        };
        return new Request(group, resource, name, verb);
    }

    /** The recorded calls of every component, for the summary. */
    static Map<String, Set<String>> all() {
        Map<String, Set<String>> out = new TreeMap<>();
        CALLS.forEach((k, v) -> out.put(k, new TreeSet<>(v)));
        return out;
    }
}
