package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.testing.Exports;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The production reconciler (same controller configuration, inherited), recording each call. */
class RecordingReconciler extends AoeExportReconciler {
    /** One reconcile call: which instance, which export, when, and whether it threw. */
    record Call(String instance, String export, long startNanos, long endNanos, boolean failed) {
    }

    private final String instance;
    private final List<Call> calls;

    /** @param calls where to record, possibly shared between instances */
    RecordingReconciler(String instance, List<Call> calls) {
        super(Exports.config());
        this.instance = instance;
        this.calls = calls;
    }

    RecordingReconciler(String instance) {
        this(instance, new CopyOnWriteArrayList<>());
    }

    @Override
    public UpdateControl<AoeExport> reconcile(AoeExport export, Context<AoeExport> context) {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            UpdateControl<AoeExport> result = super.reconcile(export, context);
            failed = false;
            return result;
        } finally {
            calls.add(new Call(instance, export.getMetadata().getName(), start, System.nanoTime(), failed));
        }
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String export) {
        return calls.stream().filter(c -> c.export().equals(export)).toList();
    }
}
