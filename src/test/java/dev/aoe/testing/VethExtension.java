package dev.aoe.testing;

import dev.aoe.net.VethPair;

import java.lang.reflect.Field;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Fills each {@link Veth} field of the test instance; the pair is deleted when the test ends. */
final class VethExtension implements BeforeEachCallback {
    @Override
    public void beforeEach(ExtensionContext context) throws IllegalAccessException {
        Object test = context.getRequiredTestInstance();
        for (Class<?> c = test.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                Veth veth = field.getAnnotation(Veth.class);
                if (veth == null) {
                    continue;
                }
                Privileges.assumeNetworkNamespaces();
                VethPair pair = VethPair.create(veth.mtu());
                // An AutoCloseable in the store is closed with the test's context, after its @AfterEach methods.
                context.getStore(ExtensionContext.Namespace.create(VethExtension.class, field)).put(field.getName(), pair);
                field.setAccessible(true);
                field.set(test, pair);
            }
        }
    }
}
