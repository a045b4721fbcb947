package dev.aoe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aoe.api.Conditions;
import dev.aoe.store.SourceNotAllowedException;
import dev.aoe.store.StoreException;
import org.junit.jupiter.api.Test;

class FailureTest {
    @Test
    void whatTheEngineRefusesOnOpeningIsNotAllowedWhatItCannotOpenIsUnavailable() {
        Failure inUse = Failure.of(new SourceNotAllowedException("/dev/disk/by-id/x is in use: the kernel refused"));
        assertEquals(Conditions.PATH_NOT_ALLOWED, inUse.reason());
        assertEquals("/dev/disk/by-id/x is in use: the kernel refused", inUse.message());
        assertEquals(Conditions.SOURCE_UNAVAILABLE, Failure.of(new StoreException("/x does not exist")).reason());
    }
}
