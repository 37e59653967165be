package dev.tcplat.exporter.bpf;

/**
 * A failure of the kernel side: the message is one line that says what went wrong and what to
 * do about it, fit to print as-is; {@link #errno()} keeps the shim's error number for callers
 * that react to a specific cause.
 */
public class ProbeException extends Exception {
    private final int errno;

    public ProbeException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
