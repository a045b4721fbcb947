package dev.aoe.operator;

import dev.aoe.api.AoeExport;
import dev.aoe.api.Conditions;
import dev.aoe.testing.Exports;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConflictResolverTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static AoeExport export(String name, int slot, String node, String path, int ageRank) {
        return Exports.created(Exports.file(name, 1, slot, node, path), T0.plusSeconds(ageRank));
    }

    @Test
    void theOldestKeepsTheAddressAndTheNewerIsToldWho() {
        AoeExport older = export("disk-b", 0, "n1", "/var/lib/aoe/b.img", 0);
        AoeExport newer = export("disk-a", 0, "n2", "/var/lib/aoe/a.img", 1);
        List<AoeExport> all = List.of(older, newer);
        assertEquals(Optional.empty(), ConflictResolver.check(older, all));
        assertEquals(Optional.of(new Conflict(Conditions.ADDRESS_CONFLICT,
                        "e1.0 is already exported by AoeExport 'disk-b' (node n1); choose another shelf/slot")),
                ConflictResolver.check(newer, all));
    }

    @Test
    void sameCreationTimeFallsBackToTheName() {
        AoeExport a = export("disk-a", 0, "n1", "/var/lib/aoe/a.img", 0);
        AoeExport b = export("disk-b", 0, "n1", "/var/lib/aoe/b.img", 0);
        assertEquals(Optional.empty(), ConflictResolver.check(a, List.of(a, b)));
        assertTrue(ConflictResolver.check(b, List.of(a, b)).isPresent());
    }

    @Test
    void aHolderBeingDeletedLetsTheWaitingOneTakeOver() {
        AoeExport holder = export("disk-a", 0, "n1", "/var/lib/aoe/a.img", 0);
        AoeExport waiting = export("disk-b", 0, "n1", "/var/lib/aoe/b.img", 1);
        assertTrue(ConflictResolver.check(waiting, List.of(holder, waiting)).isPresent());
        holder.getMetadata().setDeletionTimestamp(T0.plusSeconds(60).toString());
        assertEquals(Optional.empty(), ConflictResolver.check(waiting, List.of(holder, waiting)));
        assertEquals(Optional.empty(), ConflictResolver.check(waiting, List.of(waiting)));
    }

    @Test
    void aSourceHasOneWriterPerNode() {
        AoeExport first = export("disk-a", 0, "n1", "/var/lib/aoe/a.img", 0);
        AoeExport second = export("disk-b", 1, "n1", "/var/lib/aoe/./a.img", 1);
        AoeExport otherNode = export("disk-c", 2, "n2", "/var/lib/aoe/a.img", 2);
        List<AoeExport> all = List.of(first, second, otherNode);
        assertEquals(Optional.empty(), ConflictResolver.check(first, all));
        assertEquals(Optional.empty(), ConflictResolver.check(otherNode, all));
        Conflict c = ConflictResolver.check(second, all).orElseThrow();
        assertEquals(Conditions.SOURCE_CONFLICT, c.reason());
        assertTrue(c.message().startsWith("/var/lib/aoe/./a.img on node n1 is already exported by AoeExport 'disk-a' (e1.0)"),
                c.message());
    }

    @Test
    void readersMayShareASourceButNotWithAWriter() {
        AoeExport r1 = export("disk-a", 0, "n1", "/var/lib/aoe/a.img", 0);
        AoeExport r2 = export("disk-b", 1, "n1", "/var/lib/aoe/a.img", 1);
        AoeExport writer = export("disk-c", 2, "n1", "/var/lib/aoe/a.img", 2);
        r1.getSpec().setReadOnly(true);
        r2.getSpec().setReadOnly(true);
        List<AoeExport> all = List.of(r1, r2, writer);
        assertEquals(Optional.empty(), ConflictResolver.check(r1, all));
        assertEquals(Optional.empty(), ConflictResolver.check(r2, all));
        assertTrue(ConflictResolver.check(writer, all).orElseThrow().message().contains("'disk-a'"));
    }
}
