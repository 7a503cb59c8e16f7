#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Crafted frames for the incident tests: exactly COUNT frames of one kind on
# an interface (AF_PACKET) or a UDP socket, for drops `dropledger lab send`
# cannot provoke (bad headers, VLAN tags, TTL, fragments, broadcasts, IPv6
# extension headers). Bounded: every mode sends COUNT frames and exits.
import argparse
import errno
import socket
import struct


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip4(a):
    src, dst, proto, payload = a.src, a.dst, a.proto, a.payload
    ihl = 5
    flags_frag = (a.mf << 13) | (a.frag_off // 8)
    if a.df:
        flags_frag |= 0x4000
    ver = a.version
    hdr = struct.pack("!BBHHHBBH4s4s", (ver << 4) | ihl, 0, 20 + len(payload),
                      a.ident, flags_frag, a.ttl, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    c = csum(hdr)
    if a.bad_csum:
        c ^= 0x5a5a
    hdr = hdr[:10] + struct.pack("!H", c) + hdr[12:]
    return hdr + payload


def udp4(a, body):
    u = struct.pack("!HHHH", a.sport, a.dport, 8 + len(body), 0) + body
    ph = socket.inet_aton(a.src) + socket.inet_aton(a.dst) + struct.pack("!BBH", 0, 17, len(u))
    c = csum(ph + u) or 0xffff
    if a.bad_l4:
        c ^= 0x1111
    return u[:6] + struct.pack("!H", c) + u[8:]


def tcp4(a):
    t = struct.pack("!HHIIBBHHH", a.sport, a.dport, 1, 0, 5 << 4, 0x02, 64240, 0, 0)
    ph = socket.inet_aton(a.src) + socket.inet_aton(a.dst) + struct.pack("!BBH", 0, 6, len(t))
    c = csum(ph + t)
    if a.bad_l4:
        c ^= 0x1111
    return t[:16] + struct.pack("!H", c) + t[18:]


def ip6(a, nh, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, a.ttl,
                       socket.inet_pton(socket.AF_INET6, a.src),
                       socket.inet_pton(socket.AF_INET6, a.dst)) + payload


def frame(a):
    body = bytes(a.size)
    if a.kind == "raw":
        l3, et = body, int(a.ethertype, 16)
    elif a.kind in ("udp", "tcp", "proto"):
        if a.kind == "udp":
            a.proto, a.payload = 17, udp4(a, body)
        elif a.kind == "tcp":
            a.proto, a.payload = 6, tcp4(a)
        else:
            a.payload = body
        l3, et = ip4(a), 0x0800
    elif a.kind == "rh0":
        # IPv6 routing header type 0 (deprecated: RFC 5095), then UDP.
        u = struct.pack("!HHHH", a.sport, a.dport, 8, 0)
        rh = struct.pack("!BBBBI16s", 17, 2, 0, 1, 0,
                         socket.inet_pton(socket.AF_INET6, a.dst))
        l3, et = ip6(a, 43, rh + u), 0x86dd
    elif a.kind == "udp6":
        u = struct.pack("!HHHH", a.sport, a.dport, 8 + len(body), 0) + body
        l3, et = ip6(a, 17, u), 0x86dd
    eth = mac(a.dst_mac) + mac(a.src_mac)
    if a.vlan is not None:
        eth += struct.pack("!HH", 0x8100, a.vlan)
    return eth + struct.pack("!H", et) + l3


def main():
    p = argparse.ArgumentParser()
    p.add_argument("kind", choices=["raw", "udp", "tcp", "proto", "rh0", "udp6", "bcast"])
    p.add_argument("iface")
    p.add_argument("count", type=int)
    p.add_argument("--dst-mac", default="ff:ff:ff:ff:ff:ff")
    p.add_argument("--src-mac", default="02:00:00:00:00:01")
    p.add_argument("--src", default="198.18.0.1")
    p.add_argument("--dst", default="198.18.0.2")
    p.add_argument("--sport", type=int, default=40000)
    p.add_argument("--dport", type=int, default=9)
    p.add_argument("--proto", type=int, default=17)
    p.add_argument("--ttl", type=int, default=64)
    p.add_argument("--version", type=int, default=4)
    p.add_argument("--ident", type=int, default=1)
    p.add_argument("--mf", type=int, default=0)
    p.add_argument("--df", action="store_true")
    p.add_argument("--frag-off", type=int, default=0)
    p.add_argument("--bad-csum", action="store_true")
    p.add_argument("--bad-l4", action="store_true")
    p.add_argument("--vlan", type=int)
    p.add_argument("--ethertype", default="0x88b5")
    p.add_argument("--size", type=int, default=32)
    # ENOBUFS: the device's egress (a tc filter, a full qdisc) dropped the
    # frame after taking it; still one of COUNT sent.
    p.add_argument("--tx-drops-ok", action="store_true")
    a = p.parse_args()
    if a.kind == "bcast":
        # UDP to a broadcast address through the stack (SO_BROADCAST).
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.iface.encode())
        s.bind((a.src, a.sport))
        for i in range(a.count):
            s.sendto(bytes(a.size), (a.dst, a.dport))
        return
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    f = frame(a)
    for i in range(a.count):
        if a.kind in ("udp", "proto") and a.mf:
            # Each datagram its own fragment id: COUNT incomplete datagrams.
            a.ident = 1000 + i
            f = frame(a)
        try:
            s.send(f)
        except OSError as e:
            if not (a.tx_drops_ok and e.errno == errno.ENOBUFS):
                raise


main()
