package dev.aoe.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

@TopCommand
@Command(name = "aoe", mixinStandardHelpOptions = true, description = "ATA over Ethernet target")
public class AoeCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("hello");
    }
}
