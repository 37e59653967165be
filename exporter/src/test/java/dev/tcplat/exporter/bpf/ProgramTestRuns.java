package dev.tcplat.exporter.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Loads the real BPF object for a test class and runs one of its programs on a crafted frame with
 * BPF_PROG_TEST_RUN, handing back the verdict and the events that reached the ring, decoded.
 * Needs root (or CAP_BPF + CAP_NET_ADMIN), as CI has. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ProgramTestRuns programs = ProgramTestRuns.oncePerClass();
 * }</pre>
 *
 * <p>A test run executes the program synchronously on the calling thread, so every event it
 * emits is in the ring when the run returns: draining right after it attributes each event to
 * the frame that caused it, and nothing is left for the next run.
 */
final class ProgramTestRuns implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final int RING_BYTES = 1 << 16;
    private static final int BATCH = 64;

    private final boolean freshForEachTest;
    private final ByteBuffer records = ByteBuffer.allocateDirect(BATCH * EventLayout.EVENT_SIZE)
            .order(ByteOrder.nativeOrder());
    private Probe probe;

    private ProgramTestRuns(boolean freshForEachTest) {
        this.freshForEachTest = freshForEachTest;
    }

    /** One probe shared by the class's tests: they must not depend on each other's kernel state. */
    static ProgramTestRuns oncePerClass() {
        return new ProgramTestRuns(false);
    }

    /** A probe loaded for each test, so its maps and .bss start from zero every time. */
    static ProgramTestRuns freshForEachTest() {
        return new ProgramTestRuns(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws ProbeException {
        if (!freshForEachTest) {
            probe = Probe.open(RING_BYTES);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws ProbeException {
        if (freshForEachTest) {
            probe = Probe.open(RING_BYTES);
        } else if (probe == null) {
            throw new IllegalStateException("register ProgramTestRuns.oncePerClass() on a static field");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (freshForEachTest) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private void close() {
        if (probe != null) {
            probe.close();
            probe = null;
        }
    }

    /** The probe under test, for what a run does not cover (forgetting a handshake, counters). */
    Probe probe() {
        if (probe == null) {
            throw new IllegalStateException("no probe outside a test");
        }
        return probe;
    }

    /** Runs {@code program} once on {@code frame}; returns its verdict and every event it emitted. */
    ProgramRun run(ProgramVariant program, byte[] frame) throws ProbeException {
        int verdict = probe().testRun(program, frame);
        List<EmittedEvent> events = new ArrayList<>();
        int n;
        do {
            n = probe.poll(records, BATCH, 0);
            for (int i = 0; i < n; i++) {
                events.add(EmittedEvent.read(records, i));
            }
        } while (n == BATCH);
        return new ProgramRun(verdict, events);
    }

    /** The events of {@link #run}, when the verdict is not what the test is about. */
    List<EmittedEvent> events(ProgramVariant program, byte[] frame) throws ProbeException {
        return run(program, frame).events();
    }
}
