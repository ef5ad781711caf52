#!/usr/bin/env python3
"""The include-layer check: code is laid out by pipeline stage, each folder using
only the folders below it (DESIGN.md, Revision 2). Reads every #include line
under src/ and include/regwatch/ and fails on one that points up or sideways, on
a third-party header outside the layer that wraps that library, and on a header
this table does not place.

    python3 tests/tools/layers.py SOURCE_DIR

Prints one line per violation ("src/history/history.c:9: history includes
regwatch/notify.h (notify): up") and a summary; exits 1 when there is any."""

import os
import re
import sys

# Layers, lowest first. Folders on the same rank are siblings: neither may use the other.
RANKS = [
    ["core"],
    ["model"],
    ["net"],
    ["config", "parse", "archive", "history"],
    ["normalise"],
    ["diff"],
    ["impact"],
    ["notify", "report"],
    ["app"],
    ["cli"],
]
RANK = {layer: i for i, names in enumerate(RANKS) for layer in names}

# The layer of each public header (include/regwatch/NAME.h).
PUBLIC = {
    "core": "core", "dates": "core", "json": "core", "utf8": "core", "strutil": "core",
    "array": "core", "hmap": "core",
    "model": "model", "state": "model", "names": "model",
    "config": "config",
    "fetch": "net", "url": "net",
    "parse": "parse", "csvread": "parse",
    "archive": "archive",
    "history": "history", "members": "history",
    "normalise": "normalise",
    "diff": "diff",
    "inventory": "impact", "impact": "impact",
    "notify": "notify", "secret": "notify", "queue": "notify",
    "report": "report",
    "update": "app", "rebuild": "app", "sync": "app", "doctor": "app", "datadir": "app",
}

# Third-party headers (the first path component, or the file name) and the layers that wrap them.
THIRD_PARTY = {
    "curl": {"net", "notify"},
    "libxml": {"parse"},
    "sqlite3.h": {"history"},
    "git2.h": {"config", "archive"},
    "git2": {"config", "archive"},
    "nettle": {"notify"},
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def layer_of_file(rel):
    parts = rel.split("/")
    if parts[0] == "include":
        name = os.path.splitext(parts[-1])[0]
        return PUBLIC.get(name)
    if parts[0] == "src" and len(parts) >= 3:
        return parts[1] if parts[1] in RANK else None
    return None


def layer_of_header(including_rel, target):
    """The layer a quoted include points into, or None when no table places it."""
    if target.startswith("regwatch/"):
        return PUBLIC.get(os.path.splitext(target[len("regwatch/"):])[0])
    first = target.split("/")[0]
    if "/" in target and first in RANK:
        return first            # "parse/xmlutil.h", "history/history_int.h"
    # A header beside the including file: its own folder.
    return layer_of_file(os.path.join(os.path.dirname(including_rel), target))


def check(root):
    problems = []
    files = []
    for top in ("src", "include"):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for n in names:
                if n.endswith((".c", ".h")):
                    files.append(os.path.relpath(os.path.join(dirpath, n), root))
    files.sort()
    edges = 0
    for rel in files:
        own = layer_of_file(rel)
        if own is None:
            problems.append(f"{rel}: not in any layer (a folder of src/ or a header in the table)")
            continue
        with open(os.path.join(root, rel), encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                quote, target = m.groups()
                if quote == "<":
                    key = target.split("/")[0] if "/" in target else target
                    allowed = THIRD_PARTY.get(key)
                    if allowed is None:
                        continue    # the C library and POSIX
                    if rel.startswith("include/"):
                        problems.append(f"{rel}:{lineno}: a public header includes <{target}>")
                    elif own not in allowed:
                        problems.append(f"{rel}:{lineno}: {own} includes <{target}>, "
                                        f"which only {', '.join(sorted(allowed))} may use")
                    continue
                dep = layer_of_header(rel, target)
                edges += 1
                if dep is None:
                    problems.append(f"{rel}:{lineno}: {target} is in no layer")
                elif dep != own and RANK[dep] == RANK[own]:
                    problems.append(f"{rel}:{lineno}: {own} includes {target} ({dep}): sideways")
                elif RANK[dep] > RANK[own]:
                    problems.append(f"{rel}:{lineno}: {own} includes {target} ({dep}): up")
    return files, edges, problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    files, edges, problems = check(os.path.abspath(root))
    for p in problems:
        print(p)
    order = " -> ".join("/".join(names) for names in RANKS)
    print(f"layers: {order}")
    print(f"{len(files)} files, {edges} project includes, {len(problems)} violations")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
