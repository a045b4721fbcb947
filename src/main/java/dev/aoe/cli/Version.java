package dev.aoe.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest, so it is never out of step with the build. */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {"aoe-operator " + (v == null ? "(development build)" : v)};
    }
}
