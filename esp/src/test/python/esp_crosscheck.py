#!/usr/bin/env python3
"""Independent ESP tunnel-mode packets (RFC 4303, RFC 3948, RFC 4106, RFC 3602) built with the
`cryptography` package (OpenSSL underneath), for Sallyport's esp cross-check test.

Writes ../resources/crosscheck/vectors.txt, one packet per line:
  kind suite spi enc_key integ_key iv_seed seq inner_hex packet_hex
kind "peer": a packet as a peer would send it (random CBC IVs): Java must decapsulate it.
kind "same": the packet Sallyport must produce byte for byte from the same SA state (GCM explicit
IV = sequence number; CBC IV = AES-ECB_K(iv_seed || seq)); python decrypts it back first.
Run: python3 esp_crosscheck.py  (needs python3-cryptography)
"""
import os
import random
import struct
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "crosscheck", "vectors.txt")
OUTER_SRC = bytes([192, 0, 2, 1])
OUTER_DST = bytes([198, 51, 100, 2])
rng = random.Random(4303)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(tos, ident, flags, ttl, proto, src, dst, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(payload), ident, flags, ttl, proto, 0, src, dst)
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def inner_packet(n):
    data = bytes(rng.randrange(256) for _ in range(n))
    udp = struct.pack("!HHHH", 40000, 53, 8 + n, 0) + data
    return ipv4(0x28, rng.randrange(65536), 0, 64, 17, bytes([198, 18, 0, 1]), bytes([198, 19, 0, 2]), udp)


def trailer(inner, align):
    padded = (len(inner) + 2 + align - 1) // align * align
    pad = padded - len(inner) - 2
    return inner + bytes(range(1, pad + 1)) + bytes([pad, 4])


SUITES = {
    "aes-128-gcm": (16, 0, None),
    "aes-256-cbc+hmac-sha1-96": (32, 20, (hashes.SHA1, 12)),
    "aes-256-cbc+hmac-sha-256-128": (32, 32, (hashes.SHA256, 16)),
}


def esp(suite, spi, ek, ik, iv_seed, seq, inner, peer):
    head = struct.pack("!II", spi, seq)
    if suite.endswith("gcm"):
        iv = os.urandom(8) if peer else struct.pack("!Q", seq)
        ct = AESGCM(ek[:16]).encrypt(ek[16:] + iv, trailer(inner, 4), head)
        return head + iv + ct
    if peer:
        iv = os.urandom(16)
    else:
        e = Cipher(algorithms.AES(ek), modes.ECB()).encryptor()
        iv = e.update(struct.pack("!QQ", iv_seed & 0xFFFFFFFFFFFFFFFF, seq)) + e.finalize()
    e = Cipher(algorithms.AES(ek), modes.CBC(iv)).encryptor()
    body = head + iv + e.update(trailer(inner, 16)) + e.finalize()
    h = hmac.HMAC(ik, SUITES[suite][2][0]())
    h.update(body)
    return body + h.finalize()[:SUITES[suite][2][1]]


def decap(suite, ek, ik, packet):
    """Python's own inverse, used to check the expected packets before writing them."""
    espb = packet[28:]
    if suite.endswith("gcm"):
        pt = AESGCM(ek[:16]).decrypt(ek[16:] + espb[8:16], espb[16:], espb[:8])
    else:
        icv = SUITES[suite][2][1]
        h = hmac.HMAC(ik, SUITES[suite][2][0]())
        h.update(espb[:-icv])
        assert h.finalize()[:icv] == espb[-icv:]
        d = Cipher(algorithms.AES(ek), modes.CBC(espb[8:24])).decryptor()
        pt = d.update(espb[24:-icv]) + d.finalize()
    return pt[:len(pt) - pt[-2] - 2]


def main():
    lines = []
    ident = 0
    for suite, (eklen, iklen, _) in SUITES.items():
        ek = bytes(rng.randrange(256) for _ in range(eklen + (4 if suite.endswith("gcm") else 0)))
        ik = bytes(rng.randrange(256) for _ in range(iklen))
        spi = rng.randrange(0x100, 0xFFFFFFFF)
        iv_seed = rng.randrange(1 << 63)
        for kind in ("peer", "same"):
            ident = 0
            for seq, size in enumerate((0, 1, 63, 500, 1372), start=1):
                inner = inner_packet(size)
                e = esp(suite, spi, ek, ik, iv_seed, seq, inner, kind == "peer")
                ident += 1
                udp = struct.pack("!HHHH", 4500, 4500, 8 + len(e), 0) + e
                pkt = ipv4(0x28, ident, 0, 64, 17, OUTER_SRC, OUTER_DST, udp)
                assert decap(suite, ek, ik, pkt) == inner
                lines.append(" ".join([kind, suite, "%08x" % spi, ek.hex(), ik.hex() or "-", str(iv_seed), str(seq),
                                       inner.hex(), pkt.hex()]))
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", len(lines), "packets to", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
