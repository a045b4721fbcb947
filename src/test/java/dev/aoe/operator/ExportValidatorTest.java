package dev.aoe.operator;

import dev.aoe.api.AoeExportSpec;
import dev.aoe.api.DeviceSource;
import dev.aoe.testing.Exports;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExportValidatorTest {
    private static AoeExportSpec valid() {
        return Exports.file("a", 1, 0, "node-1", "/var/lib/aoe/a.img").getSpec();
    }

    @Test
    void aValidSpecHasNoErrors() {
        assertEquals(List.of(), ExportValidator.validate(valid()));
    }

    @Test
    void addressesOutOfRange() {
        AoeExportSpec s = valid();
        s.setShelf(65535);
        s.setSlot(255);
        assertEquals(List.of("spec.shelf 65535 is out of range 0-65534", "spec.slot 255 is out of range 0-254"),
                ExportValidator.validate(s));
        s.setShelf(null);
        s.setSlot(-1);
        assertEquals(List.of("spec.shelf and spec.slot go together: set both, or neither for the operator to assign"
                + " an address", "spec.slot -1 is out of range 0-254"), ExportValidator.validate(s));
    }

    /** Neither is valid: the operator assigns an address from its pool. */
    @Test
    void anAddressIsOptional() {
        AoeExportSpec s = valid();
        s.setShelf(null);
        s.setSlot(null);
        assertEquals(List.of(), ExportValidator.validate(s));
    }

    @Test
    void namesOfNodeAndInterface() {
        AoeExportSpec s = valid();
        s.setNodeName("Node_1");
        s.setInterfaceName("a-very-long-interface-name");
        List<String> errors = ExportValidator.validate(s);
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("spec.nodeName 'Node_1' is not a node name"));
        assertTrue(errors.get(1).startsWith("spec.interface 'a-very-long-interface-name' is not an interface name"));
        s.setNodeName("node-1.example");
        s.setInterfaceName("eth0.100");
        assertEquals(List.of(), ExportValidator.validate(s));
    }

    @Test
    void interfacesForMultipath() {
        AoeExportSpec s = valid();
        s.setInterfaces(List.of("eth1", "eth2"));
        assertEquals(List.of(), ExportValidator.validate(s));
        s.setInterfaceName("eth0");
        s.setInterfaces(List.of("eth1", "eth1", "bad name"));
        assertEquals(List.of("set spec.interface (one) or spec.interfaces (several), not both",
                "spec.interfaces [eth1, eth1, bad name] must not repeat",
                "spec.interfaces entry 'bad name' is not an interface name (1-15 characters: letters, digits, '_', '.',"
                        + " ':', '@', '-')"), ExportValidator.validate(s));
        s.setInterfaceName(null);
        s.setInterfaces(List.of("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8"));
        assertEquals(List.of("spec.interfaces lists 9 interfaces; 1 to 8 are allowed"), ExportValidator.validate(s));
    }

    @Test
    void exactlyOneSource() {
        AoeExportSpec s = valid();
        DeviceSource device = new DeviceSource();
        device.setPath("/dev/disk/by-id/x");
        s.getSource().setDevice(device);
        assertEquals(List.of("spec.source needs exactly one of file or device"), ExportValidator.validate(s));
        s.getSource().setFile(null);
        assertEquals(List.of(), ExportValidator.validate(s));
        device.setPath("disk/by-id/x");
        assertEquals(List.of("spec.source.device.path 'disk/by-id/x' must be an absolute path under /dev/"),
                ExportValidator.validate(s));
        s.setSource(null);
        assertEquals(List.of("spec.source needs exactly one of file or device"), ExportValidator.validate(s));
    }

    @Test
    void fileSourcesTakeKubernetesQuantitiesOfWholeSectors() {
        AoeExportSpec s = valid();
        s.getSource().getFile().setPath("var/lib/aoe/a.img");
        s.getSource().getFile().setSize("10Gb");
        assertEquals(List.of("spec.source.file.path 'var/lib/aoe/a.img' must be an absolute path",
                "spec.source.file.size '10Gb' is not a quantity (examples: 10Gi = 10 * 2^30 bytes, 10G = 10^9 bytes,"
                        + " 1048576)"), ExportValidator.validate(s));
        s.getSource().getFile().setPath("/var/lib/aoe/a.img");
        s.getSource().getFile().setSize("1k");
        assertEquals(List.of("spec.source.file.size 1k is 1000 bytes: it must be a positive multiple of 512 bytes"
                + " (e.g. 10Gi = 10 * 2^30 bytes; 10G is 10^9)"), ExportValidator.validate(s));
        s.getSource().getFile().setSize("0.1");
        assertEquals(List.of("spec.source.file.size '0.1' is 0.1 bytes: not a whole number of bytes"),
                ExportValidator.validate(s));
        for (String ok : List.of("10Gi", "512Mi", "10G", "1048576", "1.5Gi", "1Ti", "1e9")) {
            s.getSource().getFile().setSize(ok);
            assertEquals(List.of(), ExportValidator.validate(s), ok);
        }
        s.getSource().getFile().setSize(null);
        assertEquals(List.of("spec.source.file.create needs spec.source.file.size (the size to create the file with)"),
                ExportValidator.validate(s));
        s.getSource().getFile().setCreate(false);
        assertEquals(List.of(), ExportValidator.validate(s));
    }

    @Test
    void fileSizeMayOnlyGrowAndOnlyWithoutALength() {
        AoeExportSpec s = valid();
        s.getSource().getFile().setSize("20Gi");
        assertEquals(List.of(), ExportValidator.validate(s, "10Gi"), "a grow");
        assertEquals(List.of(), ExportValidator.validate(s, "21474836480"), "the same size written otherwise");
        s.getSource().getFile().setSize("10G");
        assertEquals(List.of("spec.source.file.size may only grow: 10G is less than 10Gi, the size accepted before"
                + " (a served disk never shrinks; create a new AoeExport for a smaller one)"),
                ExportValidator.validate(s, "10Gi"));
        s.getSource().getFile().setSize("20Gi");
        s.setLength(1L << 30);
        assertEquals(List.of("spec.source.file.size may grow only on an export without length: this one keeps its"
                + " length of 1073741824 bytes (create a new AoeExport without length to serve the grown file)"),
                ExportValidator.validate(s, "10Gi"));
    }

    @Test
    void windowMacsBuffersAndConfigString() {
        AoeExportSpec s = valid();
        s.setOffset(100L);
        s.setLength(0L);
        s.setAllowedInitiators(List.of("52:54:00:12:34:56", "5254.0012.3456"));
        s.setBufferCount(1);
        s.setConfigString("x".repeat(1025));
        assertEquals(List.of("spec.offset 100 must be a multiple of 512 bytes",
                "spec.length 0 must be a positive multiple of 512 bytes",
                "spec.allowedInitiators entry '5254.0012.3456' is not a MAC address (e.g. 52:54:00:12:34:56)",
                "spec.bufferCount 1 is out of range 2-65535",
                "spec.configString is 1025 bytes; at most 1024 are allowed"), ExportValidator.validate(s));
        s.setOffset(1024L);
        s.setLength(512L);
        s.setAllowedInitiators(List.of("525400123456"));
        s.setBufferCount(65535);
        s.setConfigString("é".repeat(512));
        assertEquals(List.of(), ExportValidator.validate(s));
    }
}
