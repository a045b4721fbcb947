package dev.aoe.api;

import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Sizes in AoeExport specs mean what they mean in every Kubernetes object: {@code 10Gi} is
 * 10 * 2^30 bytes, {@code 10G} is 10^9, {@code 1.5Gi} and {@code 1e9} are fine. Parsed exactly
 * (no floating point): a quantity that is not a whole number of bytes ({@code 0.1}, {@code 100m})
 * is refused, not rounded.
 */
public final class ByteQuantity {
    /** The Kubernetes quantity syntax, as API servers check a resource quantity. */
    public static final String PATTERN = "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]"
            + "|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";
    private static final Pattern SYNTAX = Pattern.compile(PATTERN);

    private ByteQuantity() {
    }

    /**
     * The bytes {@code text} stands for.
     *
     * @throws IllegalArgumentException not a quantity, not a whole number of bytes, negative, or
     *                                  beyond what a long holds; the message shows examples
     */
    public static long bytes(String text) {
        if (text == null || !SYNTAX.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a quantity (examples: 10Gi = 10 * 2^30 bytes,"
                    + " 10G = 10^9 bytes, 1048576)");
        }
        BigDecimal bytes;
        try {
            bytes = Quantity.getAmountInBytes(new Quantity(text));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a quantity: " + e.getMessage(), e);
        }
        if (bytes.signum() < 0) {
            throw new IllegalArgumentException("'" + text + "' is negative");
        }
        try {
            return bytes.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is " + bytes.stripTrailingZeros().toPlainString()
                    + " bytes: " + (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0
                    ? "too large" : "not a whole number of bytes"), e);
        }
    }
}
