package dev.aoe.operator;

import dev.aoe.api.AoeExportSpec;

import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The addresses the operator assigns to exports that name none: every slot of the slot ranges on
 * every shelf of the shelf ranges, handed out lowest first (shelf, then slot). Ranges are written
 * as the chart's values write them: {@code 100-109}, {@code 7}, or several joined by commas.
 */
final class AddressPool {
    private final String shelfText;
    private final String slotText;
    private final int[] shelves;
    private final int[] slots;

    AddressPool(String shelves, String slots) {
        this.shelfText = shelves.strip();
        this.slotText = slots.strip();
        this.shelves = values("shelves", shelfText, AoeExportSpec.MAX_SHELF);
        this.slots = values("slots", slotText, AoeExportSpec.MAX_SLOT);
    }

    /** The lowest address of the pool not in {@code taken}. */
    Optional<Address> lowestFree(Set<Address> taken) {
        for (int shelf : shelves) {
            for (int slot : slots) {
                Address a = new Address(shelf, slot);
                if (!taken.contains(a)) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }

    int size() {
        return shelves.length * slots.length;
    }

    /** As the admin wrote it, for messages: {@code shelves 100-109, slots 0-254}. */
    @Override
    public String toString() {
        return "shelves " + shelfText + ", slots " + slotText;
    }

    /** Every value of the ranges, ascending and once each, however they overlap. */
    private static int[] values(String what, String text, int max) {
        IntStream all = IntStream.empty();
        for (String part : text.split(",")) {
            String range = part.strip();
            if (!range.matches("\\d{1,5}(-\\d{1,5})?")) {
                throw new IllegalArgumentException("address pool " + what + " '" + text
                        + "' is not a list of ranges like 100-109 or 7 (comma-separated)");
            }
            String[] ends = range.split("-");
            int low = Integer.parseInt(ends[0]);
            int high = Integer.parseInt(ends[ends.length - 1]);
            if (low > high || high > max) {
                throw new IllegalArgumentException("address pool " + what + " range " + range
                        + " must be low-high within 0-" + max);
            }
            all = IntStream.concat(all, IntStream.rangeClosed(low, high));
        }
        return all.distinct().sorted().toArray();
    }
}
