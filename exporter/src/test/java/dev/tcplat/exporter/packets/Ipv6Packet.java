package dev.tcplat.exporter.packets;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * An IPv6 header (RFC 8200) and a chain of extension headers in front of a payload. Defaults:
 * TCP, no extensions, hop limit 64, the TCP checksum zero (a TC program never verifies it).
 */
public final class Ipv6Packet {
    public static final int HEADER_LENGTH = 40;

    private final byte[] source;
    private final byte[] destination;
    private int protocol = IpProtocols.TCP;
    private List<Ipv6Extension> extensions = List.of();
    private boolean checksums;

    public Ipv6Packet(byte[] source, byte[] destination) {
        this.source = source.clone();
        this.destination = destination.clone();
    }

    /** A TCP segment from {@code source} to {@code destination} with every default. */
    public static byte[] ipv6(byte[] source, byte[] destination, TcpSegment segment) {
        return new Ipv6Packet(source, destination).carrying(segment);
    }

    /** The payload's protocol: the next header of the last header in the chain. */
    public Ipv6Packet protocol(int value) {
        protocol = value;
        return this;
    }

    /** Extension headers between the fixed header and the payload, in this order. */
    public Ipv6Packet extensions(List<Ipv6Extension> chain) {
        extensions = List.copyOf(chain);
        return this;
    }

    /** Fills in the checksum of a TCP header in the payload, which IPv6 makes mandatory (RFC 8200 §8.1). */
    public Ipv6Packet withChecksums() {
        checksums = true;
        return this;
    }

    public byte[] carrying(TcpSegment segment) {
        return carrying(segment.bytes());
    }

    public byte[] carrying(byte[] payload) {
        int chainLength = extensions.stream().mapToInt(Ipv6Extension::length).sum();
        ByteBuffer packet = ByteBuffer.allocate(HEADER_LENGTH + chainLength + payload.length)
                .putInt(0x60000000) // version 6, traffic class and flow label 0
                .putShort((short) (chainLength + payload.length))
                .put((byte) (extensions.isEmpty() ? protocol : extensions.get(0).type()))
                .put((byte) 64)
                .put(source)
                .put(destination);
        for (int i = 0; i < extensions.size(); i++) {
            int next = i + 1 < extensions.size() ? extensions.get(i + 1).type() : protocol;
            packet.put((byte) next).put(extensions.get(i).afterNextHeader());
        }
        int upperLayer = packet.position();
        packet.put(payload);
        byte[] bytes = packet.array();
        if (checksums && protocol == IpProtocols.TCP && payload.length >= TcpSegment.HEADER_LENGTH) {
            packet.putShort(upperLayer + TcpSegment.CHECKSUM_OFFSET,
                    (short) InternetChecksum.tcp(bytes, source, destination, upperLayer, payload.length));
        }
        return bytes;
    }
}
