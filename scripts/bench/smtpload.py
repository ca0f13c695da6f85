#!/usr/bin/env python3
"""SMTP load generator for Tern's benchmarks, crash and fault scripts.

Opens SESSIONS concurrent client sessions against one server and sends mail until a message count or a duration
is reached. Every message is unique and checkable: its Message-ID and Subject carry an id, and its body is a
function of that id (see `message_bytes`), so `maildir_check.py` can tell whether a delivered file is whole.

Measures the latency of the reply to the end of DATA (from sending "." to reading the reply), per message.

  smtpload.py --port 2525 --sessions 20 --duration 10 --json out.json
  smtpload.py --port 2525 --sessions 8 --messages 2000 --ack-log acked.txt   (crash test: one line per 250)

The ack log gets one line per message that got a reply to the end of DATA: "ID CODE", flushed at once, so that a
crash of the server (or of this script) loses no acknowledged (2xx) id.
"""
import argparse
import asyncio
import json
import os
import sys
import time


def message_id(run, worker, seq):
    return f"{run}.{worker}.{seq}"


def message_bytes(ident, size, domain, rcpt):
    """The message as sent (CRLF lines, no dot-stuffing needed: no line starts with '.')."""
    header = (
        f"From: load <load@{domain}>\r\n"
        f"To: {rcpt}\r\n"
        f"Subject: tern-load {ident}\r\n"
        f"Message-ID: <{ident}@tern-load.test>\r\n"
        f"Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n"
        f"\r\n"
    )
    lines = []
    total = len(header)
    n = 0
    while True:
        line = f"{ident} line {n:05d} abcdefghijklmnopqrstuvwxyz0123456789\r\n"
        if total + len(line) > size - len(f"END {ident}\r\n") and n > 0:
            break
        lines.append(line)
        total += len(line)
        n += 1
    lines.append(f"END {ident}\r\n")
    return (header + "".join(lines)).encode()


class Stats:
    def __init__(self):
        self.acked = 0
        self.temp_failed = 0
        self.perm_failed = 0
        self.errors = {}
        self.latencies = []
        self.connections = 0

    def error(self, kind):
        self.errors[kind] = self.errors.get(kind, 0) + 1


class Session:
    """One SMTP client connection, reading replies line by line."""

    def __init__(self, reader, writer, timeout):
        self.reader = reader
        self.writer = writer
        self.timeout = timeout
        self.stage = "banner"

    async def reply(self):
        code = None
        text = []
        while True:
            line = await asyncio.wait_for(self.reader.readline(), self.timeout)
            if not line:
                raise ConnectionError("connection closed")
            text.append(line.decode(errors="replace").rstrip())
            if len(line) < 4:
                raise ConnectionError(f"short reply {line!r}")
            code = int(line[:3])
            if line[3:4] != b"-":
                return code, "\n".join(text)

    async def command(self, text):
        self.stage = text.split(":")[0].split()[0]
        self.writer.write(text.encode() + b"\r\n")
        return await self.reply()


def take_one(args, deadline, counter):
    """Whether another message may be sent (before the deadline, within the message count); counts it."""
    if deadline is not None and time.monotonic() >= deadline:
        return False
    if args.stop_file and os.path.exists(args.stop_file):
        return False
    if args.messages is not None:
        if counter[0] >= args.messages:
            return False
        counter[0] += 1
    return True


async def worker(index, args, stats, deadline, counter, ack_log):
    seq = 0
    while True:
        if not take_one(args, deadline, counter):
            return
        try:
            reader, writer = await asyncio.open_connection(args.host, args.port, limit=65536)
        except OSError as error:
            stats.error(f"connect: {error.strerror or error}")
            await asyncio.sleep(0.05)
            continue
        stats.connections += 1
        session = Session(reader, writer, args.timeout)
        sent_here = 0
        try:
            code, text = await session.reply()
            if code != 220:
                stats.error(f"banner {code}")
                continue
            code, text = await session.command(f"EHLO load{index}.tern-load.test")
            if code != 250:
                stats.error(f"EHLO {code}")
                continue
            while sent_here < args.per_connection:
                if sent_here > 0 and not take_one(args, deadline, counter):
                    break
                seq += 1
                sent_here += 1
                ident = message_id(args.run, index, seq)
                user = f"user{(index * 7919 + seq) % args.users}"
                rcpt = f"{user}@{args.domain}"
                code, text = await session.command(f"MAIL FROM:<load{index}@{args.sender_domain}>")
                if code != 250:
                    stats.error(f"MAIL {code}")
                    break
                code, text = await session.command(f"RCPT TO:<{rcpt}>")
                if code != 250:
                    stats.error(f"RCPT {code}")
                    await session.command("RSET")
                    continue
                code, text = await session.command("DATA")
                if code != 354:
                    stats.error(f"DATA {code}")
                    break
                session.writer.write(message_bytes(ident, args.size, args.domain, rcpt))
                await session.writer.drain()
                started = time.perf_counter()
                session.stage = "end of DATA"
                session.writer.write(b".\r\n")
                code, text = await session.reply()
                elapsed = time.perf_counter() - started
                if 200 <= code < 300:
                    stats.acked += 1
                    stats.latencies.append(elapsed)
                    if ack_log is not None:
                        ack_log.write(f"{ident} {code}\n")
                        ack_log.flush()
                elif 400 <= code < 500:
                    stats.temp_failed += 1
                    if ack_log is not None:
                        ack_log.write(f"{ident} {code}\n")
                    stats.error(f"end of DATA {code} {text.splitlines()[0][4:60]}")
                else:
                    stats.perm_failed += 1
                    if ack_log is not None:
                        ack_log.write(f"{ident} {code}\n")
                    stats.error(f"end of DATA {code} {text.splitlines()[0][4:60]}")
            try:
                await asyncio.wait_for(session.command("QUIT"), 5)
            except (asyncio.TimeoutError, OSError, ConnectionError, ValueError):
                pass
        except (OSError, ConnectionError, ValueError, asyncio.IncompleteReadError, asyncio.TimeoutError) as error:
            stats.error(f"{session.stage}: {type(error).__name__}")
            await asyncio.sleep(0.05)
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except (OSError, ConnectionError):
                pass


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


async def main_async(args):
    stats = Stats()
    counter = [0]
    ack_log = open(args.ack_log, "a", buffering=1) if args.ack_log else None
    started = time.monotonic()
    deadline = started + args.duration if args.duration else None
    tasks = [asyncio.create_task(worker(i, args, stats, deadline, counter, ack_log)) for i in range(args.sessions)]
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    if ack_log is not None:
        ack_log.close()
    result = {
        "sessions": args.sessions,
        "seconds": round(elapsed, 3),
        "acked": stats.acked,
        "temp_failed": stats.temp_failed,
        "perm_failed": stats.perm_failed,
        "connections": stats.connections,
        "accepted_per_second": round(stats.acked / elapsed, 1) if elapsed > 0 else 0,
        "p50_ms": round(percentile(stats.latencies, 0.50) * 1000, 2) if stats.latencies else None,
        "p99_ms": round(percentile(stats.latencies, 0.99) * 1000, 2) if stats.latencies else None,
        "errors": stats.errors,
        "started_epoch": time.time() - elapsed,
    }
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--sessions", type=int, default=1, help="concurrent sessions")
    parser.add_argument("--duration", type=float, help="seconds to send for")
    parser.add_argument("--messages", type=int, help="messages to send in all")
    parser.add_argument("--per-connection", type=int, default=1, help="messages per connection (default 1)")
    parser.add_argument("--size", type=int, default=2048, help="message size in bytes (default 2048)")
    parser.add_argument("--timeout", type=float, default=10, help="seconds to wait for a reply (default 10)")
    parser.add_argument("--users", type=int, default=10, help="distinct recipients user0..userN-1")
    parser.add_argument("--domain", default="bench.test")
    parser.add_argument("--sender-domain", default="sender.test")
    parser.add_argument("--run", default=f"r{os.getpid()}", help="id prefix, unique per run")
    parser.add_argument("--stop-file", help="stop sending once this file exists")
    parser.add_argument("--ack-log", help="append 'ID CODE' per acknowledged message")
    parser.add_argument("--json", help="write the summary here (default: stdout)")
    args = parser.parse_args()
    if args.duration is None and args.messages is None and args.stop_file is None:
        parser.error("give --duration, --messages or --stop-file")
    result = asyncio.run(main_async(args))
    text = json.dumps(result)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
