#!/usr/bin/env python3
"""Turns a tcpdump capture of strongSwan IKE exchanges and the initiator's charon log (log level 4
for IKE, which prints the key material) into a vectors file: every IKE message in wire order
(non-ESP marker stripped) as msg_NN, and every secret the log printed, numbered in log order
(name_1, name_2, ...), as hex.

usage: extract_all.py CAPTURE.pcap INITIATOR-charon.log [key=hex ...] > vectors.txt
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
        udp = ip[(ip[0] & 15) * 4:]
        sport, dport = struct.unpack(">HH", udp[:4])
        payload = udp[8:]
        if 4500 in (sport, dport):
            if payload[:4] != b"\0\0\0\0":
                continue
            payload = payload[4:]
        elif 500 not in (sport, dport):
            continue
        out.append(payload)
    return out


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


def main():
    pcap, log = sys.argv[1:3]
    for kv in sys.argv[3:]:
        print(kv.replace("=", " = ", 1))
    for n, msg in enumerate(ike_messages(pcap), 1):
        print("msg_%02d = %s" % (n, msg.hex()))
    for key, value in logged_secrets(log):
        print(key + " = " + value)


if __name__ == "__main__":
    main()
