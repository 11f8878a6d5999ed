#!/usr/bin/env python3
"""The layer test (docs/ARCHITECTURE.md, "Layers"): every `#include "..."` of the product's sources
points down the stack written in docs/ARCHITECTURE.md, or within the including file's own folder;
outside src/rego/ only the engine's front door `rego/engine.hpp` is included; no source file is
over 600 lines, and no subcommand file (src/cli/*.cpp) over 200.

Usage: layers.py SOURCE_DIR        check the tree, one line per violation, exit 1 on any
       layers.py --self-test       prove the checks can fail: a tree with each kind of violation
                                   must be refused, and its corrected copy accepted
"""
import os
import re
import sys
import tempfile

MAX_LINES = 600
MAX_CLI_LINES = 200
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def read_layers(source_dir):
    """The stack between the `<!-- layers -->` markers of docs/ARCHITECTURE.md: one line per layer,
    top first; folders on one line are peers (neither includes the other)."""
    text = open(os.path.join(source_dir, "docs", "ARCHITECTURE.md"), encoding="utf-8").read()
    match = re.search(r"<!-- layers -->\s*```[a-z]*\n(.*?)```\s*<!-- /layers -->", text, re.S)
    if not match:
        sys.exit("docs/ARCHITECTURE.md: no layer stack between <!-- layers --> and <!-- /layers -->")
    layers = []
    for line in match.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            layers.append(line.split())
    return layers


def folder_of(path, folders):
    """The longest listed folder (or file) holding `path`, else None."""
    best = None
    for folder in folders:
        if path == folder or path.startswith(folder.rstrip("/") + "/"):
            if best is None or len(folder) > len(best):
                best = folder
    return best


def header_path(source_dir, including, name):
    """Where `#include "name"` resolves, relative to SOURCE_DIR: beside the file, then under src/,
    then at the root (the include directories of CMakeLists.txt)."""
    for base in (os.path.dirname(including), "src", ""):
        candidate = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(os.path.join(source_dir, candidate)):
            return candidate
    return None


def sources(source_dir, roots):
    for root in roots:
        full = os.path.join(source_dir, root)
        if os.path.isfile(full):
            yield root
            continue
        for directory, _, files in os.walk(full):
            for name in sorted(files):
                if name.endswith((".cpp", ".hpp")):
                    yield os.path.relpath(os.path.join(directory, name), source_dir)


def check(source_dir):
    layers = read_layers(source_dir)
    rank = {}
    for level, peers in enumerate(layers):
        for folder in peers:
            rank[folder] = len(layers) - level
    folders = list(rank)
    problems = []
    for path in sources(source_dir, folders):
        own = folder_of(path, folders)
        lines = open(os.path.join(source_dir, path), encoding="utf-8").read().split("\n")
        count = len(lines) - (1 if lines and lines[-1] == "" else 0)
        if count > MAX_LINES:
            problems.append(f"{path}: {count} lines, over {MAX_LINES}: split it by what its parts decide")
        if re.fullmatch(r"src/cli/[^/]+\.cpp", path) and count > MAX_CLI_LINES:
            problems.append(f"{path}: {count} lines, over {MAX_CLI_LINES} for a subcommand: options, one call "
                            "and output; move the rest below")
        for number, line in enumerate(lines, 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            name = match.group(1)
            target = header_path(source_dir, path, name)
            if target is None:
                continue  # generated (build_info.hpp) or a system header in quotes
            theirs = folder_of(target, folders)
            if theirs is None or theirs == own:
                continue
            if theirs == "src/rego" and name != "rego/engine.hpp":
                problems.append(f"{path}:{number}: includes `{name}`, an internal of the Rego engine: "
                                "use its front door rego/engine.hpp")
            if rank[theirs] >= rank[own]:
                where = "a peer" if rank[theirs] == rank[own] else "above it"
                problems.append(f"{path}:{number}: `{own}` includes `{name}` from `{theirs}`, {where} in "
                                "the stack of docs/ARCHITECTURE.md")
    return problems


SELF_TEST_DOC = """# Architecture
<!-- layers -->
```
src/cli
src/core
src/git src/gpg
src/util
```
<!-- /layers -->
"""


def self_test():
    with tempfile.TemporaryDirectory() as tree:
        def write(path, text):
            full = os.path.join(tree, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8") as out:
                out.write(text)

        write("docs/ARCHITECTURE.md", SELF_TEST_DOC)
        write("src/util/a.hpp", "#pragma once\n")
        write("src/git/g.hpp", '#pragma once\n#include "util/a.hpp"\n')
        write("src/gpg/p.hpp", "#pragma once\n")
        write("src/core/c.hpp", '#pragma once\n#include "git/g.hpp"\n#include "core/d.hpp"\n')
        write("src/core/d.hpp", "#pragma once\n")
        write("src/cli/x.cpp", '#include "core/c.hpp"\n#include <vector>\n')
        if check(tree):
            print("self-test: the control tree was refused:", *check(tree), sep="\n  ")
            return 1
        cases = {
            "an include up the stack": ("src/util/a.hpp", '#pragma once\n#include "core/c.hpp"\n'),
            "an include of a peer": ("src/gpg/p.hpp", '#pragma once\n#include "git/g.hpp"\n'),
            "a long file": ("src/core/d.hpp", "#pragma once\n" + "int x;\n" * MAX_LINES),
            "a long subcommand": ("src/cli/x.cpp", '#include "core/c.hpp"\n' + "int y;\n" * MAX_CLI_LINES),
        }
        failed = 0
        for what, (path, text) in cases.items():
            original = open(os.path.join(tree, path), encoding="utf-8").read()
            write(path, text)
            if not check(tree):
                print(f"self-test: {what} was not refused")
                failed += 1
            write(path, original)
        return 1 if failed else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems = check(sys.argv[1])
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
