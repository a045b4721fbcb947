package dev.aoe.testing;

import dev.aoe.net.VethPair;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A field that gets a fresh {@link VethPair} before each test and loses it after: the test is
 * skipped, with the reason, where network namespaces cannot be made (not root).
 * <pre>{@code @Veth VethPair veth;}</pre>
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(VethExtension.class)
public @interface Veth {
    /** The MTU of both ends. */
    int mtu() default VethPair.DEFAULT_MTU;
}
