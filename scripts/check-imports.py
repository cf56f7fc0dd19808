#!/usr/bin/env python3
"""Checks that every target imports only package modules it declares as dependencies.

SwiftPM lets a target import a module it reaches through another target's dependencies, so a
missing declaration builds today and breaks when the graph changes. This reads the package as
`swift package dump-package` describes it and the `import` lines of every target's sources, and
prints each module a target imports without declaring it (exit status 1 if there is one).
"""
import json, os, re, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
package = json.loads(subprocess.run(["swift", "package", "dump-package"], cwd=root, check=True,
                                    capture_output=True, text=True).stdout)
targets = {t["name"]: t for t in package["targets"]}
def declared(target):
    names = set()
    for d in target.get("dependencies", []):
        for kind in ("byName", "target", "product"):
            if kind in d:
                names.add(d[kind][0])
    return names

def folder(target):
    if target.get("path"):
        return os.path.join(root, target["path"])
    base = "Tests" if target["type"] == "test" else "Sources"
    return os.path.join(root, base, target["name"])

external = {"ArgumentParser"}
modules = set(targets) | external
pattern = re.compile(r"^\s*(?:@testable\s+)?(?:@_exported\s+)?import\s+(?:(?:struct|class|enum|func|protocol)\s+)?(\w+)", re.M)
problems = []
for name, target in sorted(targets.items()):
    if target["type"] == "system":
        continue
    want = set()
    for dirpath, _, files in os.walk(folder(target)):
        for f in files:
            if f.endswith(".swift"):
                text = open(os.path.join(dirpath, f), encoding="utf-8").read()
                for m in pattern.findall(text):
                    if m in modules and m != name:
                        want.add((m, os.path.relpath(os.path.join(dirpath, f), root)))
    have = declared(target)
    missing = {}
    for module, path in sorted(want):
        if module not in have:
            missing.setdefault(module, []).append(path)
    for module, paths in sorted(missing.items()):
        more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
        problems.append(f"{name}: imports {module} ({paths[0]}{more}) without declaring it")
for p in problems:
    print(p)
print(f"imports: {len(targets)} targets checked, {len(problems)} undeclared import(s)")
sys.exit(1 if problems else 0)
