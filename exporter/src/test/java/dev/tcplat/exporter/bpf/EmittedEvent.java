package dev.tcplat.exporter.bpf;

import java.nio.ByteBuffer;

/**
 * One record the program wrote to the ring, decoded field by field with {@link EventLayout}'s
 * offsets: numbers unsigned, addresses as the 16 bytes the record holds (an IPv4 address in the
 * first 4).
 */
record EmittedEvent(int kind, int direction, int family, byte[] saddr, byte[] daddr, int sport, int dport,
        long seq, long ack, int tcpFlags, int flags, long tsval, long tsecr, int ifindex, long tsNs) {

    /** Record {@code index} of a batch the probe copied into {@code records}. */
    static EmittedEvent read(ByteBuffer records, int index) {
        int base = index * EventLayout.EVENT_SIZE;
        return new EmittedEvent(
                Byte.toUnsignedInt(records.get(base + EventLayout.KIND)),
                Byte.toUnsignedInt(records.get(base + EventLayout.DIRECTION)),
                Byte.toUnsignedInt(records.get(base + EventLayout.FAMILY)),
                address(records, base + EventLayout.SADDR),
                address(records, base + EventLayout.DADDR),
                Short.toUnsignedInt(records.getShort(base + EventLayout.SPORT)),
                Short.toUnsignedInt(records.getShort(base + EventLayout.DPORT)),
                Integer.toUnsignedLong(records.getInt(base + EventLayout.SEQ)),
                Integer.toUnsignedLong(records.getInt(base + EventLayout.ACK)),
                Byte.toUnsignedInt(records.get(base + EventLayout.TCP_FLAGS)),
                Byte.toUnsignedInt(records.get(base + EventLayout.FLAGS)),
                Integer.toUnsignedLong(records.getInt(base + EventLayout.TSVAL)),
                Integer.toUnsignedLong(records.getInt(base + EventLayout.TSECR)),
                records.getInt(base + EventLayout.IFINDEX),
                records.getLong(base + EventLayout.TS_NS));
    }

    private static byte[] address(ByteBuffer records, int offset) {
        byte[] address = new byte[EventLayout.ADDR_LEN];
        records.get(offset, address);
        return address;
    }
}
