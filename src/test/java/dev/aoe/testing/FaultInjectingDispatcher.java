package dev.aoe.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The fabric8 CRUD mock with faults: the first N requests matching a rule are refused (an HTTP
 * error status) or answered late (after the client's request timeout), either applied by the CRUD
 * store first (the API server did it, the answer was lost) or not at all. Every request is
 * recorded with the status it got, so tests count attempts.
 */
public final class FaultInjectingDispatcher extends Dispatcher {
    /** One request as the server answered it; {@code path} without the query string. */
    public record Seen(String method, String path, String body, int code, boolean injected, long atNanos) {
    }

    /** A fault armed for the first {@code times} matching requests. */
    public final class Fault {
        private final String method;
        private final Pattern path;
        private final Predicate<String> body;
        private final AtomicInteger remaining;
        private final int code;
        private final Duration delay;
        private final boolean apply;
        private String answer;

        private Fault(String method, String pathRegex, Predicate<String> body, int times, int code, Duration delay,
                      boolean apply) {
            this.method = method;
            this.path = Pattern.compile(pathRegex);
            this.body = body;
            this.remaining = new AtomicInteger(times);
            this.code = code;
            this.delay = delay;
            this.apply = apply;
        }

        private boolean matches(RecordedRequest request, String requestBody) {
            return method.equals(request.getMethod()) && path.matcher(pathOf(request)).find()
                    && body.test(requestBody);
        }

        /** How many more requests this fault will hit. */
        public int remaining() {
            return Math.max(0, remaining.get());
        }

        public void disarm() {
            remaining.set(0);
        }
    }

    private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    /** A started mock server backed by {@code dispatcher}. */
    public static KubernetesMockServer server(FaultInjectingDispatcher dispatcher) {
        KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
                new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
        return server;
    }

    /** Answers the first {@code times} matching requests with {@code code}, changing nothing. */
    public Fault fail(String method, String pathRegex, Predicate<String> body, int code, int times) {
        return add(new Fault(method, pathRegex, body, times, code, Duration.ZERO, false));
    }

    public Fault fail(String method, String pathRegex, int code, int times) {
        return fail(method, pathRegex, b -> true, code, times);
    }

    /**
     * Answers the first {@code times} matching requests after {@code delay}: applied to the store
     * at once when {@code apply} (the server's answer is lost), else not applied (answered 504).
     */
    public Fault delay(String method, String pathRegex, Duration delay, boolean apply, int times) {
        return add(new Fault(method, pathRegex, b -> true, times, 504, delay, apply));
    }

    /** Answers every matching request with {@code code} and {@code body}: what the mock cannot serve. */
    public Fault answer(String method, String pathRegex, int code, Object body) {
        return answer(method, pathRegex, code, body, Integer.MAX_VALUE);
    }

    /** Answers the first {@code times} matching requests with {@code code} and {@code body}, changing nothing. */
    public Fault answer(String method, String pathRegex, int code, Object body, int times) {
        Fault fault = add(new Fault(method, pathRegex, b -> true, times, code, Duration.ZERO, false));
        fault.answer = Serialization.asJson(body);
        return fault;
    }

    private Fault add(Fault fault) {
        faults.add(fault);
        return fault;
    }

    public void disarmAll() {
        faults.forEach(Fault::disarm);
    }

    public List<Seen> seen(String method, String pathRegex) {
        Pattern p = Pattern.compile(pathRegex);
        return seen.stream().filter(s -> s.method().equals(method) && p.matcher(s.path()).find()).toList();
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    @Override
    public MockResponse dispatch(RecordedRequest received) {
        // Reading a body consumes it: read it once, and hand the CRUD store a fresh copy.
        String body = received.getBody() == null ? "" : received.getUtf8Body();
        RecordedRequest request = new RecordedRequest(received.getHttpVersion(), received.method(),
                received.getPath(), received.getHeaders(), new Buffer(body.getBytes(StandardCharsets.UTF_8)));
        Fault fault = faults.stream().filter(f -> f.matches(request, body) && f.remaining.getAndDecrement() > 0)
                .findFirst().orElse(null);
        MockResponse response;
        if (fault == null) {
            response = crud.dispatch(request);
        } else if (fault.apply) {
            response = crud.dispatch(request);
        } else if (fault.answer != null) {
            response = new MockResponse().setResponseCode(fault.code).setHeader("Content-Type", "application/json")
                    .setBody(fault.answer);
        } else {
            response = status(fault.code);
        }
        if (fault != null && !fault.delay.isZero()) {
            response.setBodyDelay(fault.delay);
        }
        seen.add(new Seen(request.getMethod(), pathOf(request), body, response.code(),
                fault != null, System.nanoTime()));
        return response;
    }

    @Override
    public void shutdown() {
        crud.shutdown();
    }

    private static String pathOf(RecordedRequest request) {
        String path = request.getPath();
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    private static MockResponse status(int code) {
        String reason = switch (code) {
            case 409 -> "Conflict";
            case 504 -> "Timeout";
            default -> "InternalError";
        };
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
                .setBody(Serialization.asJson(Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure",
                        "code", code, "reason", reason, "message", "injected fault: " + reason)));
    }
}
