package dev.tcplat.exporter.e2e;

import com.sun.jna.Memory;
import com.sun.jna.LastErrorException;
import dev.tcplat.exporter.packets.TcpFlags;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake remote host behind a tun device: connects from the namespace to {@link #peerAddress}
 * are routed into the tun, where this class reads the SYN and answers it as {@link SynPolicy}
 * says, with a SYN-ACK ({@code ack = seq + 1}, its own ISN, an MSS option, and a timestamp option
 * echoing the SYN's TSval when the SYN had one), a RST, or nothing.
 * The handshake's final ACK and any data are accepted silently; a FIN is answered with a RST so
 * the client's socket is gone at once instead of retransmitting its FIN.
 *
 * <p>The tun is an L3 device (ARPHRD_NONE, no Ethernet header), so an exporter watching it runs
 * the L3 programs. It is opened with IFF_TUN|IFF_NO_PI on a thread inside the namespace: a tun
 * device is created in the network namespace of the task that opened {@code /dev/net/tun}. It is
 * not persistent, so closing its fd ({@link #close}) deletes it.
 *
 * <p>It also plays a client ({@link #openConnections}): it sends SYNs into the namespace and
 * answers the namespace's SYN-ACKs with an ACK after a chosen delay, or never.
 *
 * <p>Every SYN read is kept as an {@link Exchange} with monotonic timestamps, the ground truth
 * for delay tests. Delayed answers are written by a {@link PreciseScheduler}, on time to within
 * microseconds.
 */
final class TunPeer implements AutoCloseable {
    static final String DEFAULT_NAME = "tcplat-tun";

    private static final long TUNSETIFF = 0x400454caL; // _IOW('T', 202, int)
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final int IFREQ_SIZE = 40;
    private static final int MTU = 1500;

    /**
     * One SYN read from the tun and what was done about it. Times are System.nanoTime(): right
     * after read(2) returned the SYN, and right before write(2) of the answer (0 if none).
     */
    record Exchange(TcpPackets.Segment syn, SynPolicy.Kind answer, long synReadNanos, long answerWrittenNanos) {}

    private final NetworkNamespace ns;
    private final String name;
    private final int fd;
    private final int subnet;
    private final Thread reader;
    private final PreciseScheduler delayed;
    private final Map<Integer, ClientAttempt> clientAttempts = new ConcurrentHashMap<>();
    private final AtomicInteger nextClientPort = new AtomicInteger(20000);
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final AtomicLong acksSeen = new AtomicLong();
    private final AtomicLong writeErrors = new AtomicLong();
    private final AtomicLong badChecksums = new AtomicLong();
    private volatile SynPolicy policy;
    private volatile boolean running = true;
    private boolean closed;

    private TunPeer(NetworkNamespace ns, String name, int fd, int subnet, SynPolicy policy) {
        this.ns = ns;
        this.name = name;
        this.fd = fd;
        this.subnet = subnet;
        this.policy = policy;
        this.reader = new Thread(this::readLoop, "tun-peer-" + name);
        this.reader.setDaemon(true);
        this.delayed = new PreciseScheduler("tun-peer-delayed-" + name);
    }

    /**
     * Creates tun device {@code name} in {@code ns} with {@code 10.201.N.1/24} and
     * {@code fd00:7c:N::1/64} on it, so {@code 10.201.N.2} and {@code fd00:7c:N::2} (the fake peer)
     * are on-link through it, and starts answering with {@code policy}.
     */
    static TunPeer create(NetworkNamespace ns, String name, SynPolicy policy) throws Exception {
        int fd = ns.call(() -> openTun(name));
        TunPeer peer = new TunPeer(ns, name, fd, VethPair.nextSubnet(), policy);
        try {
            ns.ip("link", "set", name, "mtu", Integer.toString(MTU), "up");
            ns.ip("addr", "add", peer.addressText(IpFamily.V4, 1) + "/24", "dev", name);
            ns.ip("addr", "add", peer.addressText(IpFamily.V6, 1) + "/64", "dev", name, "nodad");
            peer.reader.start();
            return peer;
        } catch (RuntimeException e) {
            peer.close();
            throw e;
        }
    }

    private static int openTun(String name) {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length > 15) {
            throw new IllegalArgumentException("interface name longer than IFNAMSIZ-1: " + name);
        }
        Libc libc = Libc.INSTANCE;
        int fd = libc.open("/dev/net/tun", Libc.O_RDWR | Libc.O_CLOEXEC);
        try {
            Memory ifreq = new Memory(IFREQ_SIZE);
            ifreq.clear();
            ifreq.write(0, nameBytes, 0, nameBytes.length);
            ifreq.setShort(16, (short) (IFF_TUN | IFF_NO_PI));
            libc.ioctl(fd, TUNSETIFF, ifreq);
            return fd;
        } catch (LastErrorException e) {
            libc.close(fd);
            throw new IllegalStateException("TUNSETIFF " + name + " failed: errno " + e.getErrorCode(), e);
        }
    }

    String name() {
        return name;
    }

    /** The fake remote host's address: where connects must go to reach this peer. */
    InetAddress peerAddress(IpFamily family) {
        return IpFamily.literal(addressText(family, 2));
    }

    /** The namespace's own address on the tun, where the fake client connects to. */
    InetAddress localAddress(IpFamily family) {
        return IpFamily.literal(addressText(family, 1));
    }

    /** The fake peer's address as the exporter labels it (dotted quad, or RFC 5952 text). */
    String peerLabel(IpFamily family) {
        return addressText(family, 2);
    }

    private String addressText(IpFamily family, int host) {
        return family == IpFamily.V4 ? "10.201." + subnet + "." + host : "fd00:7c:" + subnet + "::" + host;
    }

    /** Changes how later SYNs are answered. */
    void setPolicy(SynPolicy policy) {
        this.policy = policy;
    }

    /** Every SYN read so far, in order. */
    List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** Bare ACKs read (handshake completions and acknowledgements). */
    long acksSeen() {
        return acksSeen.get();
    }

    /**
     * TCP segments read whose checksums did not verify. The kernel computes checksums in
     * software for a tun without offloads, so anything but zero means the checksum code here is
     * wrong, and then so are the answers.
     */
    long badChecksums() {
        return badChecksums.get();
    }

    long writeErrors() {
        return writeErrors.get();
    }

    private void readLoop() {
        RealtimeThread.raiseCurrent();
        Libc libc = Libc.INSTANCE;
        byte[] packet = new byte[65536];
        Memory pollfd = new Memory(8);
        pollfd.setInt(0, fd);
        pollfd.setShort(4, Libc.POLLIN);
        while (running) {
            try {
                pollfd.setShort(6, (short) 0);
                // A bounded wait, so close() is noticed without closing the fd under a read; and
                // a short one, so this thread's CPU never sinks into a deep idle state, whose exit
                // would add a variable part to the delays this peer is the ground truth for.
                if (libc.poll(pollfd, 1, 1) <= 0) {
                    continue;
                }
                int length = (int) libc.read(fd, packet, packet.length);
                long now = System.nanoTime();
                Optional<TcpPackets.Segment> segment = TcpPackets.parse(packet, length);
                // Anything else (IPv6 router solicitations, MLD reports) is not for this peer.
                if (segment.isPresent()) {
                    if (!TcpPackets.checksumsValid(packet, length)) {
                        badChecksums.incrementAndGet();
                    }
                    handle(segment.get(), now);
                }
            } catch (LastErrorException e) {
                if (running) {
                    writeErrors.incrementAndGet();
                }
            }
        }
    }

    private void handle(TcpPackets.Segment segment, long readNanos) {
        if (segment.isSyn()) {
            SynPolicy.Answer answer = policy.answer(segment);
            long delayNanos = answer.delay().toNanos();
            if (delayNanos == 0) {
                answer(segment, answer.kind(), readNanos);
            } else {
                delayed.at(readNanos + delayNanos, () -> answer(segment, answer.kind(), readNanos));
            }
        } else if (segment.is(TcpFlags.SYN) && segment.is(TcpFlags.ACK)) {
            ClientAttempt attempt = clientAttempts.get(segment.dstPort());
            if (attempt != null) {
                attempt.synAckRead(segment, readNanos);
            }
        } else if (segment.is(TcpFlags.RST)) {
            ClientAttempt attempt = clientAttempts.get(segment.dstPort());
            if (attempt != null) {
                attempt.outcome.complete(ClientOutcome.RESET);
            }
        } else if (segment.is(TcpFlags.FIN)) {
            write(TcpPackets.reply(segment, segment.ack(), 0, TcpFlags.RST, 0));
        } else if (segment.is(TcpFlags.ACK)) {
            acksSeen.incrementAndGet();
        }
    }

    private void answer(TcpPackets.Segment syn, SynPolicy.Kind kind, long readNanos) {
        long ack = (syn.seq() + 1) & 0xffffffffL;
        byte[] packet = switch (kind) {
            case SYN_ACK -> TcpPackets.reply(syn, isn(syn), ack, TcpFlags.SYN | TcpFlags.ACK,
                    MTU - (syn.family() == IpFamily.V4 ? 40 : 60), syn.tsval() == TcpPackets.Segment.NO_TIMESTAMP
                            ? TcpPackets.Segment.NO_TIMESTAMP : millisecondClock(), Math.max(0, syn.tsval()));
            case RST -> TcpPackets.reply(syn, 0, ack, TcpFlags.RST | TcpFlags.ACK, 0);
            case IGNORE -> null;
        };
        // Recorded before the write: once the answer is in, the client may already look.
        exchanges.add(new Exchange(syn, kind, readNanos, packet == null ? 0 : System.nanoTime()));
        if (packet != null) {
            write(packet);
        }
    }

    /** A timestamp clock ticking once a millisecond (RFC 7323 allows 1 ms to 1 s per tick). */
    private static long millisecondClock() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime()) & 0xffffffffL;
    }

    /** How a connection the fake client opened ended. */
    enum ClientOutcome {
        /** the namespace answered with a SYN-ACK, and the ACK was sent (or deliberately not) */
        SYN_ACK,
        /** the namespace refused the connection */
        RESET
    }

    /**
     * One connection the fake client opened, with System.nanoTime() stamps: the SYN-ACK read
     * from the tun, and the ACK written ({@code 0} when not sent).
     */
    record ClientExchange(int clientPort, ClientOutcome outcome, long synAckReadNanos, long ackWrittenNanos) {}

    /**
     * Opens {@code count} connections one after the other from the fake peer to {@code port} on
     * the namespace's side of the tun, each from a new client port, and answers each SYN-ACK
     * with the handshake's ACK {@code ackDelay} after reading it, or with nothing when
     * {@code ackDelay} is null (the client vanished). Waits for each to be answered (SYN-ACK or
     * RST, within 3 s) before the next.
     */
    List<ClientExchange> openConnections(IpFamily family, int port, int count, Duration ackDelay) throws Exception {
        List<ClientExchange> done = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int clientPort = nextClientPort.getAndIncrement();
            long isn = 0x10000000L + clientPort * 7919L;
            ClientAttempt attempt = new ClientAttempt(isn, ackDelay);
            clientAttempts.put(clientPort, attempt);
            write(TcpPackets.build(family, addressBytes(family, 2), addressBytes(family, 1), clientPort, port, isn, 0,
                    TcpFlags.SYN, MTU - (family == IpFamily.V4 ? 40 : 60)));
            ClientOutcome outcome;
            try {
                outcome = attempt.outcome.get(3, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("no answer to the fake client's SYN from port " + clientPort + " to "
                        + port + " in " + ns, e);
            }
            if (outcome == ClientOutcome.SYN_ACK && ackDelay != null) {
                attempt.ackWritten.get(3, TimeUnit.SECONDS);
            }
            done.add(new ClientExchange(clientPort, outcome, attempt.synAckReadNanos,
                    attempt.ackWritten.getNow(0L)));
        }
        return done;
    }

    /**
     * Sends {@code count} SYNs to {@code port} on the namespace's side of the tun, from
     * {@code sources} hosts of the tun's subnet (host numbers 10 and up: at most 240 for IPv4,
     * 60 000 for IPv6) and client ports 30000 and up, as fast as the tun takes them, and never
     * completes one: a SYN flood. The namespace's answers are read and dropped.
     */
    void floodSyns(IpFamily family, int port, int count, int sources) {
        if (sources < 1 || sources > (family == IpFamily.V4 ? 240 : 60_000)) {
            throw new IllegalArgumentException(sources + " sources do not fit the tun's subnet");
        }
        byte[] target = addressBytes(family, 1);
        byte[] source = addressBytes(family, 10);
        int mss = MTU - (family == IpFamily.V4 ? 40 : 60);
        for (int i = 0; i < count; i++) {
            int host = 10 + i % sources;
            source[source.length - 1] = (byte) host;
            if (family == IpFamily.V6) {
                source[source.length - 2] = (byte) (host >>> 8);
            }
            int clientPort = 30000 + (i / sources) % 30000;
            write(TcpPackets.build(family, source, target, clientPort, port, 0x20000000L + i, 0, TcpFlags.SYN, mss));
        }
    }

    private byte[] addressBytes(IpFamily family, int host) {
        return IpFamily.literal(addressText(family, host)).getAddress();
    }

    /** The fake client's state for one connection. */
    private final class ClientAttempt {
        final long isn;
        final Duration ackDelay;
        final CompletableFuture<ClientOutcome> outcome = new CompletableFuture<>();
        final CompletableFuture<Long> ackWritten = new CompletableFuture<>();
        volatile long synAckReadNanos;

        ClientAttempt(long isn, Duration ackDelay) {
            this.isn = isn;
            this.ackDelay = ackDelay;
        }

        /** The first SYN-ACK schedules the ACK; a retransmitted one is left unanswered. */
        void synAckRead(TcpPackets.Segment synAck, long readNanos) {
            if (outcome.isDone() || synAck.ack() != ((isn + 1) & 0xffffffffL)) {
                return;
            }
            synAckReadNanos = readNanos;
            if (ackDelay != null) {
                byte[] ack = TcpPackets.reply(synAck, (isn + 1) & 0xffffffffL, (synAck.seq() + 1) & 0xffffffffL,
                        TcpFlags.ACK, 0);
                delayed.at(readNanos + ackDelay.toNanos(), () -> {
                    long now = System.nanoTime();
                    write(ack);
                    ackWritten.complete(now);
                });
            }
            outcome.complete(ClientOutcome.SYN_ACK);
        }
    }

    /**
     * This peer's initial sequence number for a SYN: derived from the SYN, so a retransmitted SYN
     * gets the same SYN-ACK again, and far from the client's ISN, so a confused matcher shows.
     */
    private static long isn(TcpPackets.Segment syn) {
        return (syn.seq() * 2654435761L + syn.srcPort() * 40503L + 0x7c7c7c7cL) & 0xffffffffL;
    }

    private void write(byte[] packet) {
        try {
            Libc.INSTANCE.write(fd, packet, packet.length);
        } catch (LastErrorException e) {
            writeErrors.incrementAndGet();
        }
    }

    /** Stops answering and closes the tun fd, which deletes the device. Idempotent. */
    @Override
    public void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        if (reader.isAlive()) {
            reader.join(2000);
        }
        delayed.close();
        Libc.INSTANCE.close(fd);
    }

    @Override
    public String toString() {
        return name + " in " + ns;
    }
}
