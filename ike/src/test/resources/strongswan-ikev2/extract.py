#!/usr/bin/env python3
"""Turns a tcpdump capture of one strongSwan IKEv2 exchange and the initiator's charon log
(log level 4 for IKE, which prints the key material) into the vectors file IkeStrongswanVectorsTest
reads: the IKE messages in wire order (non-ESP marker stripped) and the logged secrets, as hex.

usage: extract.py CAPTURE.pcap INITIATOR-charon.log PSK > vectors.txt
"""
import importlib.util
import os
import re
import sys

# The capture reader is extract-all.py's (a file name Python cannot import by name).
_spec = importlib.util.spec_from_file_location("extract_all", os.path.join(os.path.dirname(os.path.abspath(__file__)), "extract-all.py"))
_extract_all = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_extract_all)
ike_messages = _extract_all.ike_messages

LOGGED = {  # charon's words (keymat_v2.c, child_sa / keymat) -> our key
    "shared Diffie Hellman secret": "g_ir",
    "SKEYSEED": "skeyseed",
    "Sk_d secret": "sk_d", "Sk_ai secret": "sk_ai", "Sk_ar secret": "sk_ar",
    "Sk_ei secret": "sk_ei", "Sk_er secret": "sk_er", "Sk_pi secret": "sk_pi", "Sk_pr secret": "sk_pr",
    "encryption initiator key": "child_encryption_initiator", "encryption responder key": "child_encryption_responder",
}


def logged_secrets(log):
    lines = open(log, encoding="utf-8", errors="replace").read().splitlines()
    found = {}
    for i, line in enumerate(lines):
        m = re.search(r"\[(?:IKE|CHD|CFG)\] (.+?) => (\d+) bytes @", line)
        if not m or m.group(1) not in LOGGED or LOGGED[m.group(1)] in found:
            continue
        size, hexed, j = int(m.group(2)), "", i + 1
        while len(hexed) < 2 * size:
            dump = re.search(r"\]\s+\d+: ((?:[0-9A-F]{2} )+)", lines[j])
            hexed += dump.group(1).replace(" ", "").lower()
            j += 1
        found[LOGGED[m.group(1)]] = hexed[:2 * size]
    return found


def main():
    pcap, log, psk = sys.argv[1:4]
    names = ["ike_sa_init_request", "ike_sa_init_response", "ike_auth_request", "ike_auth_response"]
    messages = ike_messages(pcap)
    if len(messages) != 4:
        raise SystemExit("expected 4 IKE messages, found %d" % len(messages))
    print("psk = " + psk.encode().hex())
    for name, msg in zip(names, messages):
        print(name + " = " + msg.hex())
    for key, value in logged_secrets(log).items():
        print(key + " = " + value)


if __name__ == "__main__":
    main()
