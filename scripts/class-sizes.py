#!/usr/bin/env python3
"""Lines of every class in src/ across its files (issue 21: no class over ~500 lines).

  scripts/class-sizes.py [--over N] [ROOT]

A class owns its body in the header, its out-of-class member definitions (`name::f(...) {...}`)
in any .cpp of the same folder, and the rest of each file (includes, helpers in anonymous
namespaces, free functions) where it is that file's main class (the one the file is named after, else the largest one unless
the free code outweighs it).
Headers count from include/tradebot/<folder>/ and src/<folder>/ alike, so a class is keyed by
folder and name. Prints `lines  folder/class  files` largest first; with --over N only those
above N, and the exit code is 1 when there is any.
"""
import pathlib
import re
import sys
from collections import defaultdict

CLASS_RE = re.compile(r"^\s*(?:template\s*<.*>\s*)?(class|struct)\s+(?:\[\[[^\]]*\]\]\s*)?(\w+)(?:\s+final)?\s*(?::(?!:)|\{|$)")
MEMBER_RE = re.compile(r"(?:^|[\s*&>])(\w+)::(?:~?\w+|operator\W+)\s*\(")


def code_of(line):
    """The line without comments and literals: only its braces and words matter here."""
    line = re.sub(r'"(?:\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(?:\\.|[^'\\])'", "''", line)
    return line.split("//", 1)[0]


def attribute(path):
    """Lines of one file by owning class name; None holds the lines no class owns."""
    owned = defaultdict(int)
    stack = []        # kinds of the open braces: ns, class, body
    pending = None    # (kind, name) of the scope the next `{` opens
    for raw in path.read_text(errors="replace").splitlines():
        line = code_of(raw)
        top = all(k == "ns" for k, _ in stack)
        if top and pending is None:
            m = CLASS_RE.match(line)
            if m and ";" not in line.split("{", 1)[0]:
                pending = ("class", m.group(2))
            elif re.match(r"^\s*(?:inline\s+)?namespace\b", line):
                pending = ("ns", None)
            else:
                mm = MEMBER_RE.search(line)
                if mm and not line.rstrip().endswith(";"):
                    pending = ("body", mm.group(1))
        line_owner = None
        if not top:
            line_owner = next((n for k, n in stack if k != "ns"), None)
        elif pending and pending[0] != "ns":
            line_owner = pending[1]
        for ch in line:
            if ch == "{":
                if pending:
                    stack.append(pending)
                    pending = None
                else:
                    stack.append(("body", line_owner) if stack and stack[-1][0] != "ns" else ("body", None))
            elif ch == "}" and stack:
                stack.pop()
        if pending and pending[0] == "body" and line.rstrip().endswith(";"):
            pending = None
        owned[line_owner] += 1
    return owned


def folder_of(path, root):
    rel = path.relative_to(root)
    parts = rel.parts[2:] if rel.parts[:2] == ("include", "tradebot") else rel.parts[1:]
    return "/".join(parts[:-1])


def main(argv):
    over = None
    if argv[:1] == ["--over"]:
        over, argv = int(argv[1]), argv[2:]
    root = pathlib.Path(argv[0] if argv else ".").resolve()
    files = sorted([*root.glob("src/**/*.[ch]pp"), *root.glob("include/tradebot/**/*.hpp")])
    sizes, where = defaultdict(int), defaultdict(set)
    for f in files:
        owned = attribute(f)
        folder = folder_of(f, root)
        named = {n: c for n, c in owned.items() if n}
        # The file's main class: the one it is named after, else the largest unless free code outweighs it.
        main_class = f.stem if f.stem in named else max(named, key=named.get, default=None)
        if main_class is None or (main_class != f.stem and named[main_class] < owned[None]):
            main_class = "(free functions) " + f.stem
        for name, count in owned.items():
            key = (folder, name or main_class)
            sizes[key] += count
            if count:
                where[key].add(f.name)
    rows = sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))
    found = 0
    for (folder, name), lines in rows:
        if over is not None and lines <= over:
            continue
        found += 1
        print(f"{lines:6d}  {folder}/{name}  {' '.join(sorted(where[(folder, name)]))}")
    return 1 if over is not None and found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
