package dev.aoe.agent;

import dev.aoe.engine.ExportStatus;

import java.util.concurrent.Callable;

/**
 * Where the engine opens its raw sockets: {@code Engine.add} opens them in the calling thread's
 * network namespace. On a node that is the host's ({@link #CURRENT}); a test runs the call inside
 * the namespace of its veth end.
 */
@FunctionalInterface
public interface NetworkScope {
    NetworkScope CURRENT = Callable::call;

    ExportStatus call(Callable<ExportStatus> engineCall) throws Exception;
}
