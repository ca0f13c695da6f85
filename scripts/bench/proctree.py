#!/usr/bin/env python3
"""Resident memory of a process and all its descendants, read from /proc.

  proctree.py PID        prints the summed VmRSS in KiB and the number of processes
"""
import os
import sys


def descendants(root):
    """root and every process below it (by parent pid), alive now."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(name))
        except (OSError, IndexError):
            continue
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kib(root):
    pids = descendants(root)
    return sum(rss_kib(pid) for pid in pids), len(pids)


if __name__ == "__main__":
    total, count = tree_rss_kib(int(sys.argv[1]))
    print(total, count)
