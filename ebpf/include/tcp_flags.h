/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Bits of the TCP flags byte (offset 13 of the TCP header, RFC 9293 section
 * 3.1). The TC program tests them and copies the byte into
 * tcplat_event.tcp_flags, so the Java decoder reads the same bits: they are
 * part of the event ABI and generated into Java like the rest of it.
 */
#ifndef TCPLAT_TCP_FLAGS_H
#define TCPLAT_TCP_FLAGS_H

#define TCP_FL_FIN 0x01
#define TCP_FL_SYN 0x02
#define TCP_FL_RST 0x04
#define TCP_FL_ACK 0x10

#endif /* TCPLAT_TCP_FLAGS_H */
