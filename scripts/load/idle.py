#!/usr/bin/env python3
"""Holds many SMTP connections open and watches the server's memory.

  idle.py --port 2525 --connections 10000 --hold 30 --pid SERVER_PID [--ehlo] [--json out.json]
  idle.py --port 2525 --connections 20 --slowloris 5 --hold 400 --pid SERVER_PID

Opens CONNECTIONS connections (RATE new ones per second at most), reads each banner (and with --ehlo sends
EHLO and reads its reply), then holds them for HOLD seconds, sampling the resident memory of PID and its
children once a second. With --slowloris S every connection sends one byte of a never-ending command line every S
seconds instead of staying silent. Reports: connections opened, banners seen (220), refused (other codes such as
421), connection errors, connections the server closed while held and when (seconds after the banner), and RSS:
before, after opening, peak, at the end.
"""
import argparse
import asyncio
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from proctree import tree_rss_kib  # noqa: E402


class Holder:
    def __init__(self):
        self.banners = 0
        self.refused = {}
        self.errors = {}
        self.closed_after = []
        self.writers = []

    def count(self, table, key):
        table[key] = table.get(key, 0) + 1


async def hold_one(args, holder, stop):
    try:
        reader, writer = await asyncio.open_connection(
            args.host, args.port, local_addr=(args.source, 0) if args.source else None)
    except OSError as error:
        holder.count(holder.errors, f"connect: {error.strerror or error}")
        return
    holder.writers.append(writer)
    try:
        line = await asyncio.wait_for(reader.readline(), 60)
        if not line.startswith(b"220"):
            holder.count(holder.refused, line[:3].decode(errors="replace") or "closed")
            return
        while line[3:4] == b"-":
            line = await reader.readline()
        holder.banners += 1
        seen = time.monotonic()
        if args.ehlo:
            writer.write(b"EHLO idle.tern-load.test\r\n")
            while True:
                line = await reader.readline()
                if not line or line[3:4] != b"-":
                    break
        if args.slowloris:
            writer.write(b"NOOP")
        while not stop.is_set():
            try:
                data = await asyncio.wait_for(reader.read(1024), args.slowloris or 3600)
            except asyncio.TimeoutError:
                writer.write(b"x")
                continue
            if not data:
                if stop.is_set():
                    return
                holder.closed_after.append(round(time.monotonic() - seen, 1))
                return
    except (OSError, ConnectionError, asyncio.TimeoutError) as error:
        holder.count(holder.errors, f"session: {type(error).__name__}")


async def main_async(args):
    holder = Holder()
    stop = asyncio.Event()
    before = tree_rss_kib(args.pid)[0] if args.pid else 0
    tasks = []
    started = time.monotonic()
    for index in range(args.connections):
        tasks.append(asyncio.create_task(hold_one(args, holder, stop)))
        if args.rate and index % max(1, args.rate // 100) == 0:
            await asyncio.sleep(0.01)
    # Wait until every connection has its banner (or failed), at most 60 s.
    while time.monotonic() - started < 60:
        settled = holder.banners + sum(holder.refused.values()) + sum(holder.errors.values())
        if settled >= args.connections:
            break
        await asyncio.sleep(0.2)
    opened_seconds = round(time.monotonic() - started, 1)
    samples = []
    hold_started = time.monotonic()
    while time.monotonic() - hold_started < args.hold:
        if args.pid:
            samples.append(tree_rss_kib(args.pid)[0])
        await asyncio.sleep(1)
    after_open = samples[0] if samples else 0
    held_at_end = holder.banners - len(holder.closed_after)
    stop.set()
    for writer in holder.writers:
        writer.close()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.sleep(2)
    result = {
        "connections": args.connections,
        "banners": holder.banners,
        "refused": holder.refused,
        "errors": holder.errors,
        "open_seconds": opened_seconds,
        "held_at_end": held_at_end,
        "closed_by_server": len(holder.closed_after),
        "closed_after_seconds": sorted(holder.closed_after)[:5] + (["..."] if len(holder.closed_after) > 10 else [])
        + (sorted(holder.closed_after)[-5:] if len(holder.closed_after) > 5 else []),
        "rss_kib_before": before,
        "rss_kib_after_open": after_open,
        "rss_kib_peak": max(samples) if samples else 0,
        "rss_kib_end_of_hold": samples[-1] if samples else 0,
        "rss_kib_after_close": tree_rss_kib(args.pid)[0] if args.pid else 0,
        "rss_samples_kib": samples[:: max(1, len(samples) // 20)],
    }
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--source", help="local address to connect from")
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--hold", type=float, default=10, help="seconds to hold them once open")
    parser.add_argument("--rate", type=int, default=2000, help="new connections per second at most")
    parser.add_argument("--pid", type=int, help="server process whose tree's RSS is sampled")
    parser.add_argument("--ehlo", action="store_true", help="send EHLO after the banner")
    parser.add_argument("--slowloris", type=float, help="send a byte every S seconds")
    parser.add_argument("--json")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, args.connections + 256)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    result = asyncio.run(main_async(args))
    text = json.dumps(result)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
