package dev.tcplat.exporter.packets;

import java.nio.ByteBuffer;

/** An Ethernet II header, with 802.1Q/802.1ad tags if asked, in front of a network-layer packet. */
public final class EthernetFrame {
    public static final int HEADER_LENGTH = 14;
    /** EtherTypes, named as in linux/if_ether.h. */
    public static final int ETH_P_IP = 0x0800;
    public static final int ETH_P_ARP = 0x0806;
    public static final int ETH_P_IPV6 = 0x86dd;
    public static final int ETH_P_8021Q = 0x8100;
    public static final int ETH_P_8021AD = 0x88a8;

    private static final byte[] DESTINATION = {2, 0, 0, 0, 0, 2};
    private static final byte[] SOURCE = {2, 0, 0, 0, 0, 1};
    private static final int TAG_LENGTH = 4;
    private static final int FIRST_VLAN_ID = 100;

    private EthernetFrame() {}

    /**
     * {@code l3} behind locally administered MACs, preceded by one tag per {@code tagTypes} entry
     * (outermost first; VLAN ids 100, 101, ...) and then {@code etherType}.
     */
    public static byte[] ethernet(int etherType, byte[] l3, int... tagTypes) {
        ByteBuffer frame = ByteBuffer.allocate(HEADER_LENGTH + TAG_LENGTH * tagTypes.length + l3.length)
                .put(DESTINATION)
                .put(SOURCE);
        for (int i = 0; i < tagTypes.length; i++) {
            frame.putShort((short) tagTypes[i]).putShort((short) (FIRST_VLAN_ID + i));
        }
        return frame.putShort((short) etherType).put(l3).array();
    }
}
