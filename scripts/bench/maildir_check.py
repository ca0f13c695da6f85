#!/usr/bin/env python3
"""Checks what smtpload.py sent against what landed in maildirs.

  maildir_check.py --mail ROOT [--ack-log acked.txt] [--size 2048] [--users 10] [--json out.json]

Reads every file under ROOT/*/Maildir/{new,cur} (and counts tmp/ leftovers), finds its smtpload id in the
Message-ID header, and compares the file's tail with the exact message smtpload sent for that id (CRLF turned
into LF, as a maildir stores it). Prints a JSON summary:
  delivered files, distinct ids, duplicates (ids delivered more than once), partial (files whose content is not
  the whole message), acked (ids in the ack log), missing (acked, never delivered), unacked_delivered (delivered
  without a 250 seen by the client: the server committed, then died before the client read the reply).
Exit status 1 when any acked id is missing or any file is partial, else 0.
"""
import argparse
import glob
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smtpload import message_bytes  # noqa: E402

ID_PATTERN = re.compile(rb"^Message-ID: <([^@>]+)@tern-load\.test>", re.MULTILINE | re.IGNORECASE)
TO_PATTERN = re.compile(rb"^To: ([^\s]+)\r?$", re.MULTILINE)


def whole_message(data, size, domain):
    """(smtpload id or None, whether data ends with that whole message as sent, in LF or CRLF lines)."""
    found = ID_PATTERN.search(data)
    if not found:
        return None, False
    ident = found.group(1).decode()
    to = TO_PATTERN.search(data)
    if not to:
        return ident, False
    sent = message_bytes(ident, size, domain, to.group(1).decode())
    return ident, data.endswith(sent) or data.endswith(sent.replace(b"\r\n", b"\n"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mail", required=True, help="folder holding USER/Maildir")
    parser.add_argument("--ack-log")
    parser.add_argument("--size", type=int, default=2048)
    parser.add_argument("--domain", default="bench.test")
    parser.add_argument("--json")
    parser.add_argument("--show", type=int, default=5, help="examples to list per problem")
    args = parser.parse_args()

    delivered = {}
    partial = []
    unknown = []
    files = 0
    for path in glob.glob(os.path.join(args.mail, "*", "Maildir", "new", "*")) + glob.glob(
        os.path.join(args.mail, "*", "Maildir", "cur", "*")
    ):
        files += 1
        with open(path, "rb") as f:
            data = f.read()
        ident, whole = whole_message(data, args.size, args.domain)
        if ident is None:
            unknown.append(path)
            continue
        if not whole:
            partial.append(path)
        delivered.setdefault(ident, []).append(path)
    leftovers = len(glob.glob(os.path.join(args.mail, "*", "Maildir", "tmp", "*")))

    acked = set()
    if args.ack_log and os.path.exists(args.ack_log):
        with open(args.ack_log) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2 and parts[1].startswith("2"):
                    acked.add(parts[0])
    missing = sorted(acked - set(delivered))
    duplicates = {ident: len(paths) for ident, paths in delivered.items() if len(paths) > 1}
    unacked = sorted(set(delivered) - acked) if args.ack_log else []
    result = {
        "files": files,
        "distinct": len(delivered),
        "duplicate_ids": len(duplicates),
        "duplicate_files": sum(n - 1 for n in duplicates.values()),
        "partial": len(partial),
        "unknown_files": len(unknown),
        "tmp_leftovers": leftovers,
        "acked": len(acked),
        "missing": len(missing),
        "unacked_delivered": len(unacked),
        "examples": {
            "missing": missing[: args.show],
            "partial": partial[: args.show],
            "duplicates": sorted(duplicates)[: args.show],
            "unknown": unknown[: args.show],
        },
    }
    text = json.dumps(result)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    print(text)
    sys.exit(1 if missing or partial else 0)


if __name__ == "__main__":
    main()
