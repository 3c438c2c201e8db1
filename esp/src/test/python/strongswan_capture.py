#!/usr/bin/env python3
"""Turns a strongSwan interop run (shared/interop, charon at log level 4, which logs the CHILD_SA
keys) into test vectors of real strongSwan-made ESP-in-UDP packets for CrossCheckTest.

Usage (root; the harness creates namespaces on documentation addresses only):
  export INTEROP_PREFIX=esp- INTEROP_CHARON_LOGLEVEL=4
  for v in ikev2-psk ikev1-psk ikev2-cert; do
    INTEROP_STATE_DIR=/tmp/esp-interop-$v shared/interop/tunnel-test.sh $v --pings 5 --keep
    INTEROP_STATE_DIR=/tmp/esp-interop-$v shared/interop/down.sh
    python3 strongswan_capture.py /tmp/esp-interop-$v $v
  done
Writes ../resources/crosscheck/strongswan-VARIANT.txt, one packet per line:
  suite spi enc_key integ_key packet_hex      (packet = outer IPv4 + UDP 4500 + ESP)
"""
import glob
import os
import re
import struct
import sys

ALGS = {
    "AES_GCM_16_128": "aes-128-gcm",
    "AES_GCM_16_256": "aes-256-gcm",
    "AES_CBC_128": "aes-128-cbc",
    "AES_CBC_256": "aes-256-cbc",
    "HMAC_SHA1_96": "hmac-sha1-96",
    "HMAC_SHA2_256_128": "hmac-sha-256-128",
}


def parse_log(path):
    lines = open(path, errors="replace").read().splitlines()
    keys, spis, suite = {}, {}, None
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.search(r"selected proposal: ESP:([A-Z0-9_/]+)", line)
        if m:
            parts = [ALGS[p] for p in m.group(1).split("/") if p in ALGS]
            suite = "+".join(parts)
        m = re.search(r"\[CHD\] (encryption|integrity) (initiator|responder) key => (\d+) bytes", line)
        if m:
            data = b""
            j = i + 1
            while j < len(lines) and re.search(r"\[CHD\]\s+\d+: ", lines[j]):
                hexpart = re.search(r"\d+: ((?:[0-9A-F]{2} ?)+)", lines[j]).group(1)
                data += bytes.fromhex(hexpart.replace(" ", ""))
                j += 1
            keys[(m.group(1), m.group(2))] = data[: int(m.group(3))]
            i = j
            continue
        m = re.search(r"adding (inbound|outbound) ESP SA", line)
        if m:
            s = re.search(r"SPI 0x([0-9a-f]+)", lines[i + 1])
            spis[int(s.group(1), 16)] = m.group(1)
        i += 1
    return suite, keys, spis


def packets(pcap):
    data = open(pcap, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    skip = {1: 14, 113: 16, 276: 20, 101: 0}[linktype]
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(endian + "IIII", data[off:off + 16])[2]
        frame = data[off + 16: off + 16 + incl]
        off += 16 + incl
        ip = frame[skip:]
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        hl = (ip[0] & 15) * 4
        sport, dport = struct.unpack("!HH", ip[hl:hl + 4])
        payload = ip[hl + 8:]
        if dport == 4500 and len(payload) > 8 and payload[:4] != b"\0\0\0\0":
            yield ip[: struct.unpack("!H", ip[2:4])[0]]


def main():
    state, variant = sys.argv[1], sys.argv[2]
    # gw-a is the initiator: its outbound SA uses the initiator keys, its inbound SA the responder's.
    suite, keys, spis = parse_log(os.path.join(state, "esp-gw-a", "charon.log"))
    out = os.path.join(os.path.dirname(__file__), "..", "resources", "crosscheck", "strongswan-%s.txt" % variant)
    lines = []
    for pkt in packets(glob.glob(os.path.join(state, "capture-*.pcap"))[0]):
        hl = (pkt[0] & 15) * 4
        spi = struct.unpack("!I", pkt[hl + 8:hl + 12])[0]
        role = "initiator" if spis.get(spi) == "outbound" else "responder"
        ek = keys[("encryption", role)]
        ik = keys.get(("integrity", role), b"")
        lines.append(" ".join([suite, "%08x" % spi, ek.hex(), ik.hex() or "-", pkt.hex()]))
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(variant, suite, len(lines), "packets ->", os.path.normpath(out))


if __name__ == "__main__":
    main()
