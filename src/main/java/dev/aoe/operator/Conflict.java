package dev.aoe.operator;

/** Why an export may not have what it asks for: a condition reason and a sentence naming the holder. */
public record Conflict(String reason, String message) {
}
