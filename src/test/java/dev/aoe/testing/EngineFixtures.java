package dev.aoe.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Makes {@link EngineFixture}s, each in a temporary directory of its own, and closes them (engine,
 * initiator, veth pair, directory) after each test, after its {@code @AfterEach} methods.
 * <pre>{@code
 * @RegisterExtension
 * final EngineFixtures engines = new EngineFixtures();
 * ...
 * EngineFixture fx = engines.start(1500);
 * }</pre>
 */
public final class EngineFixtures implements AfterEachCallback {
    private final List<EngineFixture> open = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();

    /** Skips the calling test without the privileges; otherwise an engine and initiator on a veth pair. */
    public EngineFixture start(int mtu) throws Exception {
        Path dir = TempDirs.create("aoe-engine");
        dirs.add(dir);
        EngineFixture fx = EngineFixture.create(dir, mtu);
        open.add(fx);
        return fx;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception failure = null;
        for (EngineFixture fx : open) {
            try {
                fx.close();
            } catch (Exception e) {
                failure = failure == null ? e : failure;
            }
        }
        open.clear();
        dirs.forEach(TempDirs::delete);
        dirs.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
