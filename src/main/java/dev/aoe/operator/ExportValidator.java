package dev.aoe.operator;

import dev.aoe.api.AoeExportSpec;
import dev.aoe.api.ByteQuantity;
import dev.aoe.api.DeviceSource;
import dev.aoe.api.FileSource;
import dev.aoe.api.Source;

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
        return validate(spec, null);
    }

    /**
     * Also checks the CRD's transition rule on the size: {@code acceptedFileSize}, the file.size of
     * the generation accepted before (null: none), may only grow, and only without a length.
     */
    public static List<String> validate(AoeExportSpec spec, String acceptedFileSize) {
        List<String> errors = new ArrayList<>();
        if (spec == null) {
            errors.add("spec is required");
            return errors;
        }
        if ((spec.getShelf() == null) != (spec.getSlot() == null)) {
            errors.add("spec.shelf and spec.slot go together: set both, or neither for the operator to assign an address");
        }
        range(errors, "spec.shelf", spec.getShelf(), 0, AoeExportSpec.MAX_SHELF);
        range(errors, "spec.slot", spec.getSlot(), 0, AoeExportSpec.MAX_SLOT);
        if (spec.getNodeName() == null) {
            errors.add("spec.nodeName is required");
        } else if (!NODE_NAME.matcher(spec.getNodeName()).matches()) {
            errors.add("spec.nodeName '" + spec.getNodeName() + "' is not a node name (lowercase letters, digits, '-' and '.')");
        }
        interfaceName(errors, "spec.interface", spec.getInterfaceName());
        interfaces(errors, spec);
        source(errors, spec.getSource());
        growth(errors, spec, acceptedFileSize);
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
                try {
                    long size = ByteQuantity.bytes(file.getSize());
                    if (size < SECTOR || size % SECTOR != 0) {
                        errors.add("spec.source.file.size " + file.getSize() + " is " + size + " bytes: it must be a"
                                + " positive multiple of 512 bytes (e.g. 10Gi = 10 * 2^30 bytes; 10G is 10^9)");
                    }
                } catch (IllegalArgumentException e) {
                    errors.add("spec.source.file.size " + e.getMessage());
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

    private static void growth(List<String> errors, AoeExportSpec spec, String acceptedFileSize) {
        FileSource file = spec.getSource() == null ? null : spec.getSource().getFile();
        Optional<Long> accepted = acceptedFileSize == null ? Optional.empty() : parseSize(acceptedFileSize);
        if (file == null || accepted.isEmpty()) {
            return;
        }
        Optional<Long> size = file.getSize() == null ? Optional.of(0L) : parseSize(file.getSize());
        if (size.isEmpty() || size.get().equals(accepted.get())) {
            return;
        }
        if (size.get() < accepted.get()) {
            errors.add("spec.source.file.size may only grow: " + (file.getSize() == null ? "none" : file.getSize())
                    + " is less than " + acceptedFileSize + ", the size accepted before (a served disk never shrinks;"
                    + " create a new AoeExport for a smaller one)");
        } else if (spec.getLength() != null) {
            errors.add("spec.source.file.size may grow only on an export without length: this one keeps its length of "
                    + spec.getLength() + " bytes (create a new AoeExport without length to serve the grown file)");
        }
    }

    /** Bytes of a size as the CRD allows it (a Kubernetes quantity, whole bytes), or empty. */
    private static Optional<Long> parseSize(String text) {
        try {
            return Optional.of(ByteQuantity.bytes(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
