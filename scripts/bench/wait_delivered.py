#!/usr/bin/env python3
"""Waits until EXPECT files are in ROOT/*/Maildir/new, or until nothing new has arrived for STALL seconds.

  wait_delivered.py --mail ROOT --expect N --start EPOCH [--stall 30] [--timeout 300]
  wait_delivered.py --sink-log FILE ...    (counts what Postfix's `smtp-sink -c` received instead: the last
                                            "mesg=N" in its output)

Prints JSON: delivered (files counted), last_seconds (from START, a time.time() value, until the last file
counted arrived), complete (delivered >= expect).
"""
import argparse
import json
import os
import re
import time


def count(root):
    total = 0
    try:
        users = os.listdir(root)
    except OSError:
        return 0
    for user in users:
        try:
            total += len(os.listdir(os.path.join(root, user, "Maildir", "new")))
        except OSError:
            pass
    return total


def sink_count(path):
    try:
        with open(path, "rb") as f:
            f.seek(max(0, os.path.getsize(path) - 256))
            found = re.findall(rb"mesg=(\d+)", f.read())
    except OSError:
        return 0
    return int(found[-1]) if found else 0


def main():
    parser = argparse.ArgumentParser()
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--mail")
    source.add_argument("--sink-log")
    parser.add_argument("--expect", type=int, required=True)
    parser.add_argument("--start", type=float, required=True)
    parser.add_argument("--stall", type=float, default=30)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    counted = (lambda: sink_count(args.sink_log)) if args.sink_log else (lambda: count(args.mail))
    seen, last_change = counted(), time.time()
    began = time.time()
    while seen < args.expect and time.time() - last_change < args.stall and time.time() - began < args.timeout:
        time.sleep(0.1)
        now = counted()
        if now != seen:
            seen, last_change = now, time.time()
    print(json.dumps({"delivered": seen, "last_seconds": round(last_change - args.start, 3),
                      "complete": seen >= args.expect}))


if __name__ == "__main__":
    main()
