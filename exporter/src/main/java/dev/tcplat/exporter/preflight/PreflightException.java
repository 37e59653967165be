package dev.tcplat.exporter.preflight;

/** An environment the exporter cannot run in; the message is one line that says what to change. */
public final class PreflightException extends Exception {
    public PreflightException(String message) {
        super(message);
    }
}
