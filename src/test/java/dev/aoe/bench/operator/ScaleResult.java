package dev.aoe.bench.operator;

/**
 * What one run measured.
 *
 * @param createNanos       time to create every export (the clock of every other time starts with the first create)
 * @param allAcceptedNanos  time until every export was seen Accepted=True
 * @param burstCpuSeconds   CPU time of this JVM (operator and mock server) from the first create until all accepted
 * @param atAccepted        reconciliations when all were accepted
 * @param settled           reconciliations after a quiet period
 * @param quietSeconds      length of each quiet period
 * @param requests          requests the API server received until then, the benchmark's own (creates, polls) included
 * @param quietReconciles   reconciliations in a second quiet period, when nothing changed at all
 * @param idle              heap and resident set with the operator started and no exports
 * @param loaded            heap and resident set with every export accepted and settled
 * @param oneMoreNanos      time for one more export to be accepted with all the others present
 * @param oneMoreOwn        reconciliations of that export
 * @param oneMoreOthers     reconciliations of the other exports it caused
 */
record ScaleResult(int exports, long createNanos, long allAcceptedNanos, double burstCpuSeconds,
                   ReconcileCounter.Snapshot atAccepted, ReconcileCounter.Snapshot settled, int requests, int quietSeconds,
                   long quietReconciles,
                   MemoryUse idle, MemoryUse loaded, long oneMoreNanos, int oneMoreOwn, long oneMoreOthers) {
}
