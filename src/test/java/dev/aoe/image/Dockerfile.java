package dev.aoe.image;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What src/main/docker/Dockerfile promises about the running container: entrypoint, user, working
 * directory, environment and ports. Reads only the forms that file uses (exec-form ENTRYPOINT,
 * {@code ENV KEY=VALUE ...} with line continuations and double quotes).
 */
record Dockerfile(List<String> entrypoint, String user, String workingDir, Map<String, String> env,
                  List<String> exposedPorts) {
    private static final Pattern ASSIGNMENT = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|(\\S+))");

    static Dockerfile read(Path file) {
        List<String> entrypoint = List.of();
        String user = "root";
        String workingDir = "/";
        Map<String, String> env = new LinkedHashMap<>();
        List<String> ports = new ArrayList<>();
        for (String instruction : instructions(file)) {
            String[] parts = instruction.split("\\s+", 2);
            String args = parts.length > 1 ? parts[1].strip() : "";
            switch (parts[0].toUpperCase()) {
                case "ENTRYPOINT" -> entrypoint = Arrays.asList(json(args));
                case "USER" -> user = args;
                case "WORKDIR" -> workingDir = args;
                case "EXPOSE" -> Arrays.stream(args.split("\\s+"))
                        .map(port -> port.contains("/") ? port : port + "/tcp").forEach(ports::add);
                case "ENV" -> {
                    Matcher m = ASSIGNMENT.matcher(args);
                    while (m.find()) {
                        env.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
                    }
                }
                default -> { }
            }
        }
        return new Dockerfile(entrypoint, user, workingDir, env, ports);
    }

    /** The instructions, each on one line: comments dropped, continuation lines joined. */
    private static List<String> instructions(Path file) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        try {
            for (String line : Files.readAllLines(file)) {
                String text = line.strip();
                if (text.startsWith("#") || (text.isEmpty() && current.length() == 0)) {
                    continue;
                }
                boolean continues = text.endsWith("\\");
                current.append(continues ? text.substring(0, text.length() - 1) : text).append(' ');
                if (!continues) {
                    instructions.add(current.toString().strip());
                    current.setLength(0);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return instructions;
    }

    private static String[] json(String array) {
        try {
            return new ObjectMapper().readValue(array, String[].class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
