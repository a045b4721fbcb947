package dev.aoe.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.api.AoeExport;
import dev.aoe.api.AoeExportSpec;
import dev.aoe.api.DeviceSource;
import dev.aoe.api.FileSource;
import dev.aoe.api.Source;
import dev.aoe.api.WriteCacheMode;
import dev.aoe.engine.ExportSpec;
import dev.aoe.protocol.MacAddress;
import dev.aoe.store.SourceRule;
import dev.aoe.store.WriteCache;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

class ExportTranslatorTest {
    private final ExportTranslator translator = new ExportTranslator(TestConfig.of(Map.of("aoe.default-interface", "eth7")));

    private static AoeExport export(Source source) {
        AoeExportSpec spec = new AoeExportSpec();
        spec.setShelf(3);
        spec.setSlot(4);
        spec.setNodeName("node-1");
        spec.setSource(source);
        AoeExport export = new AoeExport();
        export.getMetadata().setName("db-disk");
        export.setSpec(spec);
        return export;
    }

    private static Source file(String path, String size, boolean create) {
        FileSource f = new FileSource();
        f.setPath(path);
        f.setSize(size);
        f.setCreate(create);
        Source s = new Source();
        s.setFile(f);
        return s;
    }

    private static Source device(String path) {
        DeviceSource d = new DeviceSource();
        d.setPath(path);
        Source s = new Source();
        s.setDevice(d);
        return s;
    }

    @Test
    void defaultsGiveADurableReadWriteWholeFileOnTheDefaultInterface() {
        ExportSpec spec = translator.translate(export(file("/var/lib/aoe/a.img", null, false)));
        assertEquals(3, spec.shelf());
        assertEquals(4, spec.slot());
        assertEquals("eth7", spec.interfaceName());
        assertEquals(Path.of("/var/lib/aoe/a.img"), spec.store().path());
        assertEquals(OptionalLong.empty(), spec.store().createSize());
        assertEquals(0, spec.store().offsetSectors());
        assertEquals(OptionalLong.empty(), spec.store().lengthSectors());
        assertFalse(spec.store().readOnly());
        assertFalse(spec.store().direct());
        assertEquals(WriteCache.OFF, spec.store().writeCache());
        assertEquals(SourceRule.fileUnder(List.of(Path.of("/var/lib/aoe"))), spec.store().rule(),
                "the engine checks the opened file against the default file root");
        assertEquals(ExportSpec.DEFAULT_BUFFER_COUNT, spec.bufferCount());
        assertArrayEquals(new long[0], spec.allowlist());
        assertArrayEquals(new byte[0], spec.configString());
        assertEquals("db-disk", spec.name(), "the export label of its metrics");
    }

    @Test
    void interfacesBecomeOnePathEach() {
        AoeExport export = export(file("/var/lib/aoe/a.img", null, false));
        export.getSpec().setInterfaces(List.of("eth1", "eth2"));
        assertEquals(List.of("eth1", "eth2"), translator.translate(export).interfaces());
        export.getSpec().setInterfaces(null);
        export.getSpec().setInterfaceName("bond0");
        assertEquals(List.of("bond0"), translator.translate(export).interfaces());
    }

    @Test
    void everyFieldIsCarriedOver() {
        AoeExport export = export(device("/dev/disk/by-id/ata-X"));
        AoeExportSpec s = export.getSpec();
        s.setInterfaceName("bond0");
        s.setOffset(1024L * 512);
        s.setLength(2048L * 512);
        s.setReadOnly(true);
        s.setWriteCache(WriteCacheMode.WriteBack);
        s.setBufferCount(64);
        s.setAllowedInitiators(List.of("52:54:00:12:34:56", "525400abcdef", "52-54-00-00-00-01"));
        s.setConfigString("hello");
        ExportSpec spec = translator.translate(export);
        assertEquals("bond0", spec.interfaceName());
        assertEquals(Path.of("/dev/disk/by-id/ata-X"), spec.store().path());
        assertEquals(SourceRule.device(), spec.store().rule());
        assertEquals(1024, spec.store().offsetSectors());
        assertEquals(OptionalLong.of(2048), spec.store().lengthSectors());
        assertTrue(spec.store().readOnly());
        assertEquals(WriteCache.WRITE_BACK, spec.store().writeCache());
        assertEquals(64, spec.bufferCount());
        assertArrayEquals(new long[] {0x525400123456L, 0x525400abcdefL, 0x525400000001L}, spec.allowlist());
        assertEquals("52:54:00:12:34:56", MacAddress.format(spec.allowlist()[0]));
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), spec.configString());
    }

    @Test
    void createSizeIsAKubernetesQuantityOnlyWhenCreating() {
        assertEquals(OptionalLong.of(10L << 30),
                translator.translate(export(file("/var/lib/aoe/a.img", "10Gi", true))).store().createSize());
        assertEquals(OptionalLong.of(512_000_000),
                translator.translate(export(file("/var/lib/aoe/a.img", "512M", true))).store().createSize(),
                "M is 10^6, as everywhere in Kubernetes");
        assertEquals(OptionalLong.of(3L << 29),
                translator.translate(export(file("/var/lib/aoe/a.img", "1.5Gi", true))).store().createSize());
        assertEquals(OptionalLong.of(1048576),
                translator.translate(export(file("/var/lib/aoe/a.img", "1048576", true))).store().createSize());
        assertEquals(OptionalLong.empty(),
                translator.translate(export(file("/var/lib/aoe/a.img", "10Gi", false))).store().createSize());
    }

    /** The CRD takes an integer or a string (x-kubernetes-int-or-string); both reach the engine as bytes. */
    @Test
    void aSizeWrittenAsAnIntegerIsBytes() {
        AoeExport fromYaml = Serialization.unmarshal("""
                apiVersion: aoe.dev/v1alpha1
                kind: AoeExport
                metadata: {name: db-disk}
                spec:
                  shelf: 3
                  slot: 4
                  nodeName: node-1
                  source: {file: {path: /var/lib/aoe/a.img, size: 1073741824, create: true}}
                """, AoeExport.class);
        assertEquals("1073741824", fromYaml.getSpec().getSource().getFile().getSize());
        assertEquals(OptionalLong.of(1L << 30), translator.translate(fromYaml).store().createSize());
    }

    @Test
    void whatTheOperatorShouldHaveRefusedIsNamed() {
        assertEquals("source.file.create needs source.file.size", assertThrows(IllegalArgumentException.class,
                () -> translator.translate(export(file("/var/lib/aoe/a.img", null, true)))).getMessage());
        AoeExport unaligned = export(file("/var/lib/aoe/a.img", null, false));
        unaligned.getSpec().setOffset(100L);
        assertEquals("offset 100 bytes is not a multiple of 512", assertThrows(IllegalArgumentException.class,
                () -> translator.translate(unaligned)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> translator.translate(export(file("/var/lib/aoe/a.img", "ten", true))));
    }
}
