#!/usr/bin/env python3
"""Writes esp_gcm_long.json: AES-GCM ESP packets (RFC 4106) computed by OpenSSL (through pyca
cryptography's AESGCM), long enough to reach SunJCE's fused AES-GCM path (512 bytes and more) and
its tail handling. Plaintext byte i is (31 * i + 7) mod 256. Run: python3 generate.py > esp_gcm_long.json
"""
import json
import sys

import cryptography
from cryptography.hazmat.backends.openssl.backend import backend
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CASES = [  # key bits, SPI, 64-bit sequence number, ESN, plaintext length
    (128, 0x0000C0DE, 0x0000000000000001, False, 64),
    (128, 0x0000C0DE, 0x0000000000001234, False, 512),
    (128, 0x0000C0DE, 0x00000000DEADBEEF, False, 1424),
    (128, 0x1234ABCD, 0x0000000300000007, True, 1424),
    (256, 0x0A0B0C0D, 0x0000000000000102, False, 1424),
    (256, 0x0A0B0C0D, 0x0000000000000103, False, 2000),
    (256, 0x0A0B0C0D, 0x0000000100000000, True, 9000),
]


def main():
    tests = []
    for n, (bits, spi, seq, esn, size) in enumerate(CASES, 1):
        key = bytes((7 * n + 13 * i) % 256 for i in range(bits // 8))
        salt = bytes((n + 0xA0 + i) % 256 for i in range(4))
        iv = seq.to_bytes(8, "big")
        aad = spi.to_bytes(4, "big") + (seq.to_bytes(8, "big") if esn else (seq & 0xFFFFFFFF).to_bytes(4, "big"))
        msg = bytes((31 * i + 7) % 256 for i in range(size))
        out = AESGCM(key).encrypt(salt + iv, msg, aad)
        tests.append({"tcId": n, "keyBits": bits, "key": key.hex(), "salt": salt.hex(), "spi": "%08x" % spi,
                      "seq": "%016x" % seq, "esn": esn, "size": size, "ct": out[:-16].hex(), "tag": out[-16:].hex()})
    json.dump({"source": "%s via pyca cryptography %s (generate.py)"
                         % (backend.openssl_version_text(), cryptography.__version__),
               "plaintext": "byte i = (31 * i + 7) mod 256", "tests": tests}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
