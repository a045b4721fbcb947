package dev.aoe.operator;

/**
 * Why an export may not have what it asks for: a condition reason and a sentence naming the holder
 * (of its address or source), or what it waits for (an address from the pool).
 */
public record Conflict(String reason, String message) {
}
