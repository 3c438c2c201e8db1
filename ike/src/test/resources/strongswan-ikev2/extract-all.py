#!/usr/bin/env python3
"""Turns a tcpdump capture of strongSwan IKE exchanges and the initiator's charon log (log level 4
for IKE, which prints the key material) into a vectors file: every IKE message in wire order
(non-ESP marker stripped) as msg_NN, and every secret the log printed, numbered in log order
(name_1, name_2, ...), as hex.

usage: extract-all.py CAPTURE.pcap INITIATOR-charon.log [key=hex ...] [--received RECEIVER-charon.log ...] > vectors.txt
"""
import re
import struct
import sys


def ike_messages(pcap):
    data = open(pcap, "rb").read()
    magic, = struct.unpack("<I", data[:4])
    if magic != 0xA1B2C3D4:
        raise SystemExit("not a little-endian microsecond pcap")
    linktype, = struct.unpack("<I", data[20:24])
    at, out = 24, []
    while at < len(data):
        _, _, incl, _ = struct.unpack("<IIII", data[at:at + 16])
        frame = data[at + 16:at + 16 + incl]
        at += 16 + incl
        ip = frame[14:] if linktype == 1 else frame[16:]
        if ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        hl, total = (ip[0] & 15) * 4, struct.unpack(">H", ip[2:4])[0]
        flags_offset, = struct.unpack(">H", ip[6:8])
        if flags_offset & 0x1FFF:
            continue  # a later IP fragment: the capture filter keeps none (no UDP header), see main()
        udp = ip[hl:total]
        sport, dport = struct.unpack(">HH", udp[:4])
        payload = udp_payload(udp, sport, dport)
        if payload is not None:
            out.append(payload)
    return out


def udp_payload(udp, sport, dport):
    """The IKE message in a UDP datagram (non-ESP marker stripped), None for anything else."""
    payload = udp[8:]
    if 4500 in (sport, dport):
        return payload[4:] if payload[:4] == b"\0\0\0\0" else None
    return payload if 500 in (sport, dport) else None


def logged_secrets(log):
    lines = open(log, encoding="utf-8", errors="replace").read().splitlines()
    found, counts = [], {}
    for i, line in enumerate(lines):
        m = re.search(r"\[(?:IKE|CHD)\] (.+?) => (\d+) bytes @", line)
        if not m:
            continue
        size, hexed, j = int(m.group(2)), "", i + 1
        while len(hexed) < 2 * size:
            dump = re.search(r"\]\s+\d+: ((?:[0-9A-F]{2} )+)", lines[j])
            hexed += dump.group(1).replace(" ", "").lower()
            j += 1
        key = re.sub(r"[^a-z0-9]+", "_", m.group(1).lower()).strip("_")
        counts[key] = counts.get(key, 0) + 1
        found.append(("%s_%d" % (key, counts[key]), hexed[:2 * size]))
    return found


def received_packets(log):
    """The datagrams a charon logged on receipt ([NET] received packet, log level 4), marker stripped."""
    lines = open(log, encoding="utf-8", errors="replace").read().splitlines()
    out = []
    for i, line in enumerate(lines):
        m = re.search(r"\[NET\] received packet => (\d+) bytes @", line)
        if not m:
            continue
        size, hexed, j = int(m.group(1)), "", i + 1
        while len(hexed) < 2 * size:
            hexed += re.search(r"\]\s+\d+: ((?:[0-9A-F]{2} )+)", lines[j]).group(1).replace(" ", "").lower()
            j += 1
        packet = bytes.fromhex(hexed[:2 * size])
        out.append(packet[4:] if packet[:4] == b"\0\0\0\0" else packet)
    return out


def main():
    """Messages whose IP fragments the capture filter dropped (udp port matches only the first
    fragment) are taken whole from a receiver's log (further logs after --received), and only if
    that packet starts with the captured first fragment."""
    args = sys.argv[1:]
    received = []
    if "--received" in args:
        at = args.index("--received")
        for log in args[at + 1:]:
            received += received_packets(log)
        args = args[:at]
    pcap, log = args[:2]
    for kv in args[2:]:
        print(kv.replace("=", " = ", 1))
    messages = ike_messages(pcap)
    for n, msg in enumerate(messages):
        if struct.unpack(">I", msg[24:28])[0] > len(msg):
            whole = [r for r in received + received_packets(log) if r[:len(msg)] == msg and len(r) == struct.unpack(">I", msg[24:28])[0]]
            if not whole:
                raise SystemExit("message %d is truncated and no log received it whole" % (n + 1))
            messages[n] = whole[0]
    for n, msg in enumerate(messages, 1):
        print("msg_%02d = %s" % (n, msg.hex()))
    for key, value in logged_secrets(log):
        print(key + " = " + value)


if __name__ == "__main__":
    main()
