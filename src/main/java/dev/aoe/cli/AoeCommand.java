package dev.aoe.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

@TopCommand
@Command(name = "aoe", mixinStandardHelpOptions = true, versionProvider = Version.class, usageHelpAutoWidth = true,
        description = {"ATA over Ethernet target: serves files and block devices to AoE initiators",
                "(the Linux aoe driver, iPXE, WinAoE). Each command has --help."},
        subcommands = {ServeCommand.class, DiscoverCommand.class, DemoCommand.class, BenchCommand.class,
                OperatorCommand.class, EngineCommand.class},
        footer = {"", "Start here: aoe demo    (a local export and discovery, no cluster, no spare NIC)"})
public class AoeCommand {
}
