package dev.tcplat.exporter.config;

import java.util.List;

/** Peers labelled by one name: every address inside one of the blocks gets {@code peer="name"}. */
public record PeerGroup(String name, List<Cidr> cidrs) {
    public PeerGroup {
        cidrs = List.copyOf(cidrs);
    }

    public boolean contains(int family, long hi, long lo) {
        for (Cidr cidr : cidrs) {
            if (cidr.contains(family, hi, lo)) {
                return true;
            }
        }
        return false;
    }
}
