#!/usr/bin/env python3
"""A loopback-only DNS stub for the benchmark sandbox: answers at once, so that neither server's reverse lookup
of a client depends on a resolver timing out (in the sandbox nothing listens on port 53, and a lost ICMP
"port unreachable" left OpenSMTPD's lookups hanging for minutes).

  stub_dns.py [--address 127.0.0.1] [--port 53]

Answers what /etc/hosts says for loopback: PTR 1.0.0.127.in-addr.arpa -> localhost, A localhost -> 127.0.0.1;
NXDOMAIN for every other name. Runs until killed.
"""
import argparse
import socket
import struct

PTR, A = 12, 1


def parse_question(packet):
    labels, offset = [], 12
    while True:
        length = packet[offset]
        offset += 1
        if length == 0:
            break
        labels.append(packet[offset:offset + length].decode(errors="replace").lower())
        offset += length
    qtype, qclass = struct.unpack("!HH", packet[offset:offset + 4])
    return ".".join(labels), qtype, offset + 4


def encode_name(name):
    return b"".join(bytes([len(part)]) + part.encode() for part in name.split(".") if part) + b"\x00"


def answer(packet):
    ident, flags = struct.unpack("!HH", packet[:4])
    name, qtype, end = parse_question(packet)
    question = packet[12:end]
    record = None
    if qtype == PTR and name == "1.0.0.127.in-addr.arpa":
        record = encode_name("localhost")
    elif qtype == A and name == "localhost":
        record = socket.inet_aton("127.0.0.1")
    rd = flags & 0x0100
    if record is None:
        header = struct.pack("!HHHHHH", ident, 0x8000 | 0x0400 | rd | 0x0080 | 3, 1, 0, 0, 0)
        return header + question
    header = struct.pack("!HHHHHH", ident, 0x8000 | 0x0400 | rd | 0x0080, 1, 1, 0, 0)
    rr = b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, 3600, len(record)) + record
    return header + question + rr


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=53)
    args = parser.parse_args()
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((args.address, args.port))
    while True:
        packet, peer = server.recvfrom(4096)
        try:
            server.sendto(answer(packet), peer)
        except (IndexError, struct.error):
            continue


if __name__ == "__main__":
    main()
