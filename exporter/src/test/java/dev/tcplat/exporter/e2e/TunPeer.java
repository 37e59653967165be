package dev.tcplat.exporter.e2e;

import com.sun.jna.Memory;
import com.sun.jna.LastErrorException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake remote host behind a tun device: connects from the namespace to {@link #peerAddress}
 * are routed into the tun, where this class reads the SYN and answers it as {@link SynPolicy}
 * says, with a SYN-ACK ({@code ack = seq + 1}, its own ISN, an MSS option), a RST, or nothing.
 * The handshake's final ACK and any data are accepted silently; a FIN is answered with a RST so
 * the client's socket is gone at once instead of retransmitting its FIN.
 *
 * <p>The tun is an L3 device (ARPHRD_NONE, no Ethernet header), so an exporter watching it runs
 * the L3 programs. It is opened with IFF_TUN|IFF_NO_PI on a thread inside the namespace: a tun
 * device is created in the network namespace of the task that opened {@code /dev/net/tun}. It is
 * not persistent, so closing its fd ({@link #close}) deletes it.
 *
 * <p>Every SYN read is kept as an {@link Exchange} with monotonic timestamps, the ground truth
 * for delay tests.
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
    private final ScheduledExecutorService delayed;
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
        this.delayed = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "tun-peer-delayed-" + name);
            thread.setDaemon(true);
            return thread;
        });
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
        Libc libc = Libc.INSTANCE;
        byte[] packet = new byte[65536];
        Memory pollfd = new Memory(8);
        pollfd.setInt(0, fd);
        pollfd.setShort(4, Libc.POLLIN);
        while (running) {
            try {
                pollfd.setShort(6, (short) 0);
                // A bounded wait, so close() is noticed without closing the fd under a read.
                if (libc.poll(pollfd, 1, 100) <= 0) {
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
                delayed.schedule(() -> answer(segment, answer.kind(), readNanos), delayNanos, TimeUnit.NANOSECONDS);
            }
        } else if (segment.is(TcpPackets.RST)) {
            return;
        } else if (segment.is(TcpPackets.FIN)) {
            write(TcpPackets.reply(segment, segment.ack(), 0, TcpPackets.RST, 0));
        } else if (segment.is(TcpPackets.ACK)) {
            acksSeen.incrementAndGet();
        }
    }

    private void answer(TcpPackets.Segment syn, SynPolicy.Kind kind, long readNanos) {
        long ack = (syn.seq() + 1) & 0xffffffffL;
        byte[] packet = switch (kind) {
            case SYN_ACK -> TcpPackets.reply(syn, isn(syn), ack, TcpPackets.SYN | TcpPackets.ACK,
                    MTU - (syn.family() == IpFamily.V4 ? 40 : 60));
            case RST -> TcpPackets.reply(syn, 0, ack, TcpPackets.RST | TcpPackets.ACK, 0);
            case IGNORE -> null;
        };
        // Recorded before the write: once the answer is in, the client may already look.
        exchanges.add(new Exchange(syn, kind, readNanos, packet == null ? 0 : System.nanoTime()));
        if (packet != null) {
            write(packet);
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
        delayed.shutdownNow();
        if (reader.isAlive()) {
            reader.join(2000);
        }
        delayed.awaitTermination(2, TimeUnit.SECONDS);
        Libc.INSTANCE.close(fd);
    }

    @Override
    public String toString() {
        return name + " in " + ns;
    }
}
