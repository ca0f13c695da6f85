#!/usr/bin/env python3
"""Mutation-based differential test of `smtpd -n`: Tern against Debian's OpenSMTPD 6.8.

Takes the probe and corpus configurations, mutates them (deletes, inserts, swaps and duplicates tokens,
inserts keywords, punctuation, newlines, macros), runs both `smtpd -n` on each mutant in the same folder, and
reports every mutant where the exit status or OpenSMTPD's lines differ. Tern's additions (indented lines,
warnings) are left out of the comparison. Mutants that touch a documented difference (listen on all/egress/lo0,
newlines inside braces, socket no-dsn) are skipped.

    scripts/compat/mutate-differential.py [SEED] [COUNT]      (TERN_SMTPD, OPENSMTPD override the binaries)

Run as root (OpenSMTPD wants a root-owned key). Failing mutants are kept in the work folder for study.
"""
import os, random, re, shutil, subprocess, sys, tempfile

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
tern = os.environ.get("TERN_SMTPD", os.path.join(root, ".build/debug/smtpd"))
opensmtpd = os.environ.get("OPENSMTPD", "/usr/sbin/smtpd")
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
count = int(sys.argv[2]) if len(sys.argv) > 2 else 500
random.seed(seed)

work = tempfile.mkdtemp(prefix="tern-mutate-")
probes = os.path.join(work, "p")
shutil.copytree(os.path.join(root, "Tests/Fixtures/compat/probes"), probes)
for name in os.listdir(probes):
    path = os.path.join(probes, name)
    try:
        text = open(path).read()
    except (UnicodeDecodeError, IsADirectoryError):
        continue
    if "@DIR@" in text:
        open(path, "w").write(text.replace("@DIR@", probes))
os.chmod(os.path.join(probes, "test.key"), 0o600)

seeds = [open(os.path.join(probes, f), "rb").read() for f in sorted(os.listdir(probes)) if f.endswith(".conf")]
corpus = os.path.join(root, "Tests/Fixtures/compat/corpus")
seeds += [open(os.path.join(corpus, f), "rb").read() for f in sorted(os.listdir(corpus)) if f.endswith(".conf")]

keywords = (b"action admd alias any auth auth-optional backup bounce bypass ca cert chain chroot ciphers commit "
            b"compression connect data dhe disconnect domain ehlo encryption expand-only fcrdns filter for "
            b"forward-only from group helo helo-src host hostname hostnames include inet4 inet6 junk key limit "
            b"listen lmtp local mail-from maildir mask-src masquerade match max-deferred max-message-size mbox mda "
            b"mta mx no-dsn no-verify on phase pki port proc proc-exec proxy-v2 queue rcpt-to rdns received-auth "
            b"regex reject relay report rewrite scheduler senders smtp smtps socket src srs sub-addr-delim table "
            b"tag tls tls-require ttl user userbase verify virtual warn-interval wrapper").split()
atoms = keywords + [b'"a"', b"<t>", b"{", b"}", b",", b"=", b"=>", b"!", b"\n", b"#", b"\\\n", b"$m",
                    b'm = "x"', b'"x y"', b"25", b"4d", b"-", b"/x", b"@", b'"', b"'", b"lo", b"127.0.0.1",
                    b"::1", b"{ a, b }", b"{ a = b }", b"\t", b"\r"]
skip = re.compile(rb"listen on all|egress|lo0|\{[ \t]*(#[^\n]*)?\n|,[ \t]*(#[^\n]*)?\n|\n[ \t]*\}|socket[^\n]*no-dsn")


def mutate(text):
    tokens = re.split(rb"(\s+)", text)
    for _ in range(random.randint(1, 4)):
        if not tokens:
            tokens = [b""]
        i = random.randrange(len(tokens))
        op = random.randint(0, 5)
        if op == 0:
            del tokens[i]
        elif op == 1:
            tokens.insert(i, random.choice(atoms) + b" ")
        elif op == 2:
            tokens[i] = random.choice(atoms)
        elif op == 3:
            j = random.randrange(len(tokens))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif op == 4:
            tokens.insert(i, b"\n")
        else:
            tokens.insert(i, tokens[random.randrange(len(tokens))])
    return b"".join(tokens)


def opensmtpd_lines(output, name):
    lines = [l for l in output.split("\n") if l and not l.startswith(" ")]
    lines = [l for l in lines if ": warning: " not in l and not l.startswith("warning: ")]
    return [l.replace(name, "F") for l in lines]


tested = mismatches = 0
for n in range(count):
    text = mutate(random.choice(seeds))
    if skip.search(text):
        continue
    tested += 1
    name = "mutant.conf"
    open(os.path.join(probes, name), "wb").write(text)
    a = subprocess.run([opensmtpd, "-n", "-f", name], cwd=probes, capture_output=True, timeout=20)
    b = subprocess.run([tern, "-n", "-f", name], cwd=probes, capture_output=True, timeout=20)
    la = opensmtpd_lines(a.stderr.decode("utf8", "replace"), name)
    lb = opensmtpd_lines(b.stderr.decode("utf8", "replace"), name)
    if a.returncode != b.returncode or la != lb:
        mismatches += 1
        kept = os.path.join(work, f"mismatch{mismatches}.conf")
        open(kept, "wb").write(text)
        print(f"--- {kept}: exit {a.returncode} (OpenSMTPD) vs {b.returncode} (Tern)")
        print("  OpenSMTPD:", la[:6])
        print("  Tern:     ", lb[:6])
if mismatches == 0:
    shutil.rmtree(work)
print(f"{tested - mismatches} passed, {mismatches} failed")
sys.exit(1 if mismatches else 0)
