package dev.aoe.engine;

/**
 * One interface an export is served on, as initiators on that link see it.
 *
 * @param sectorsPerFrame what a config query on this link advertises: its MTU's worth of sectors
 * @param up              whether the link is up; a down path serves nothing until it comes back
 */
public record PathStatus(String interfaceName, String mac, int mtu, int sectorsPerFrame, boolean up) {
}
