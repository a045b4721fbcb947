package dev.aoe.testing;

import dev.aoe.policy.PathPolicy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A node's file system in a test directory, as the path policy sees it: the file root
 * {@code var/lib/aoe}, the device root {@code dev/disk/by-id}, {@code etc/shadow} outside both,
 * and the policy that allows the two roots.
 */
public record NodeTree(Path files, Path devices, Path outside, PathPolicy policy) {
    /** Makes the tree under {@code dir}, with {@code shadow} as the secret outside the roots. */
    public static NodeTree under(Path dir, String shadow) throws IOException {
        Path files = Files.createDirectories(dir.resolve("var/lib/aoe"));
        Path devices = Files.createDirectories(dir.resolve("dev/disk/by-id"));
        Path outside = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(outside.resolve("shadow"), shadow);
        return new NodeTree(files, devices, outside, new PathPolicy(List.of(files.toString()), List.of(devices.toString())));
    }
}
