package dev.aoe.operator;

import dev.aoe.api.AoeExportSpec;
import dev.aoe.api.DeviceSource;
import dev.aoe.api.FileSource;
import dev.aoe.api.Source;
import dev.aoe.store.Sizes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The CRD's rules, checked again: old API servers and the test mock server enforce none of them,
 * and a rejected export must never reach an engine. Returns one sentence per broken rule.
 */
public final class ExportValidator {
    static final int SECTOR = 512;
    private static final Pattern NODE_NAME = Pattern.compile(AoeExportSpec.NODE_NAME_PATTERN);
    private static final Pattern INTERFACE = Pattern.compile(AoeExportSpec.INTERFACE_PATTERN);
    private static final Pattern MAC = Pattern.compile(AoeExportSpec.MAC_PATTERN);
    private static final String DEVICE_PREFIX = "/dev/";

    private ExportValidator() {
    }

    public static List<String> validate(AoeExportSpec spec) {
        List<String> errors = new ArrayList<>();
        if (spec == null) {
            errors.add("spec is required");
            return errors;
        }
        address(errors, "spec.shelf", spec.getShelf(), AoeExportSpec.MAX_SHELF);
        address(errors, "spec.slot", spec.getSlot(), AoeExportSpec.MAX_SLOT);
        if (spec.getNodeName() == null) {
            errors.add("spec.nodeName is required");
        } else if (!NODE_NAME.matcher(spec.getNodeName()).matches()) {
            errors.add("spec.nodeName '" + spec.getNodeName() + "' is not a node name (lowercase letters, digits, '-' and '.')");
        }
        interfaceName(errors, "spec.interface", spec.getInterfaceName());
        interfaces(errors, spec);
        source(errors, spec.getSource());
        sectors(errors, "spec.offset", spec.getOffset(), 0);
        sectors(errors, "spec.length", spec.getLength(), SECTOR);
        List<String> macs = spec.getAllowedInitiators();
        if (macs.size() > AoeExportSpec.MAX_ALLOWED_INITIATORS) {
            errors.add("spec.allowedInitiators lists " + macs.size() + " MACs; at most "
                    + AoeExportSpec.MAX_ALLOWED_INITIATORS + " are allowed");
        }
        for (String mac : macs) {
            if (mac == null || !MAC.matcher(mac).matches()) {
                errors.add("spec.allowedInitiators entry '" + mac + "' is not a MAC address (e.g. 52:54:00:12:34:56)");
            }
        }
        range(errors, "spec.bufferCount", spec.getBufferCount(), AoeExportSpec.MIN_BUFFER_COUNT,
                AoeExportSpec.MAX_BUFFER_COUNT);
        if (spec.getConfigString() != null) {
            int bytes = spec.getConfigString().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > AoeExportSpec.MAX_CONFIG_STRING_BYTES) {
                errors.add("spec.configString is " + bytes + " bytes; at most " + AoeExportSpec.MAX_CONFIG_STRING_BYTES
                        + " are allowed");
            }
        }
        return errors;
    }

    private static void source(List<String> errors, Source source) {
        if (source == null || (source.getFile() == null) == (source.getDevice() == null)) {
            errors.add("spec.source needs exactly one of file or device");
            return;
        }
        FileSource file = source.getFile();
        if (file != null) {
            if (file.getPath() == null || !file.getPath().startsWith("/")) {
                errors.add("spec.source.file.path '" + file.getPath() + "' must be an absolute path");
            }
            if (file.getSize() != null) {
                Optional<Long> size = parseSize(file.getSize());
                if (size.isEmpty()) {
                    errors.add("spec.source.file.size '" + file.getSize() + "' is not a size (examples: 10Gi, 512M, 1048576)");
                } else if (size.get() < SECTOR || size.get() % SECTOR != 0) {
                    errors.add("spec.source.file.size " + file.getSize() + " must be a positive multiple of 512 bytes");
                }
            } else if (file.isCreate()) {
                errors.add("spec.source.file.create needs spec.source.file.size (the size to create the file with)");
            }
        }
        DeviceSource device = source.getDevice();
        if (device != null && (device.getPath() == null || !device.getPath().startsWith(DEVICE_PREFIX))) {
            errors.add("spec.source.device.path '" + device.getPath() + "' must be an absolute path under " + DEVICE_PREFIX);
        }
    }

    private static void interfaceName(List<String> errors, String field, String name) {
        if (name != null && !INTERFACE.matcher(name).matches()) {
            errors.add(field + " '" + name
                    + "' is not an interface name (1-15 characters: letters, digits, '_', '.', ':', '@', '-')");
        }
    }

    private static void interfaces(List<String> errors, AoeExportSpec spec) {
        List<String> names = spec.getInterfaces();
        if (names == null) {
            return;
        }
        if (spec.getInterfaceName() != null) {
            errors.add("set spec.interface (one) or spec.interfaces (several), not both");
        }
        if (names.isEmpty() || names.size() > AoeExportSpec.MAX_INTERFACES) {
            errors.add("spec.interfaces lists " + names.size() + " interfaces; 1 to " + AoeExportSpec.MAX_INTERFACES
                    + " are allowed");
        }
        if (new HashSet<>(names).size() != names.size()) {
            errors.add("spec.interfaces " + names + " must not repeat");
        }
        for (String name : names) {
            interfaceName(errors, "spec.interfaces entry", name);
        }
    }

    private static void address(List<String> errors, String field, Integer value, int max) {
        if (value == null) {
            errors.add(field + " is required");
        } else {
            range(errors, field, value, 0, max);
        }
    }

    private static void range(List<String> errors, String field, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            errors.add(field + " " + value + " is out of range " + min + "-" + max);
        }
    }

    private static void sectors(List<String> errors, String field, Long value, long min) {
        if (value != null && (value < min || value % SECTOR != 0)) {
            errors.add(field + " " + value + " must be " + (min > 0 ? "a positive" : "a") + " multiple of 512 bytes");
        }
    }

    /** A size as the CRD's pattern allows it (no {@code B} suffix), or empty. */
    private static Optional<Long> parseSize(String text) {
        if (!text.matches(FileSource.SIZE_PATTERN)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Sizes.parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
