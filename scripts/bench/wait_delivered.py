#!/usr/bin/env python3
"""Waits until EXPECT files are in ROOT/*/Maildir/new, or until nothing new has arrived for STALL seconds.

  wait_delivered.py --mail ROOT --expect N --start EPOCH [--stall 30] [--timeout 300]

Prints JSON: delivered (files counted), last_seconds (from START, a time.time() value, until the last file
counted arrived), complete (delivered >= expect).
"""
import argparse
import json
import os
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mail", required=True)
    parser.add_argument("--expect", type=int, required=True)
    parser.add_argument("--start", type=float, required=True)
    parser.add_argument("--stall", type=float, default=30)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    seen, last_change = count(args.mail), time.time()
    began = time.time()
    while seen < args.expect and time.time() - last_change < args.stall and time.time() - began < args.timeout:
        time.sleep(0.1)
        now = count(args.mail)
        if now != seen:
            seen, last_change = now, time.time()
    print(json.dumps({"delivered": seen, "last_seconds": round(last_change - args.start, 3),
                      "complete": seen >= args.expect}))


if __name__ == "__main__":
    main()
