"""The side-by-side table the benchmark scripts print (imported by their inline Python): one row per measure,
one column per server, and the ratio (> 1: Tern better) when both Tern and OpenSMTPD ran."""
import json


def load(path):
    """A JSON result file, or {} when the run left none."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def number(value):
    return value if isinstance(value, (int, float)) else None


def print_table(servers, rows, width=40):
    """rows: (label, {server: value}, better), better "higher" or "lower"."""
    both = len(servers) == 2
    print()
    header = f"{'measure':{width}} " + " ".join(f"{s:>12}" for s in servers) + ("   ratio (>1: Tern better)" if both else "")
    print(header)
    print("-" * len(header))
    for label, values, better in rows:
        cells = " ".join(f"{str(values.get(s, '-')):>12}" for s in servers)
        tern, other = number(values.get("tern")), number(values.get("opensmtpd"))
        ratio = ""
        if both and tern and other:
            ratio = f"{(tern / other if better == 'higher' else other / tern):.2f}x"
        print(f"{label:{width}} {cells}   {ratio}")


def print_client_errors(work, servers, levels):
    """The load generator's errors per server and level ({work}/{server}-c{level}.load.json), if any."""
    errors = {s: {level: load(f"{work}/{s}-c{level}.load.json").get("errors") for level in levels} for s in servers}
    if any(e for per in errors.values() for e in per.values()):
        print("client-side errors:", json.dumps(errors))
