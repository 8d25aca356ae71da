#!/usr/bin/python3
"""CTest suite.plot_script: scripts/plot_suite on tests/data/suite_results draws valid PNGs, draws
scaling.png only when data sizes vary, and gives exit code 2 (one line, no traceback) on bad input.

Usage: check_plots.py PLOT_SUITE FIXTURE_DIR
Exit 77 (CTest SKIP_RETURN_CODE) when matplotlib is not importable here.
"""
import copy
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def fail(message):
    print(f"check_plots: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def run(script, args):
    return subprocess.run([script] + args, capture_output=True, text=True, timeout=300)


def check_png(path):
    """Signature, an IHDR chunk with a plausible size, and more bytes than an empty image."""
    if not os.path.isfile(path):
        fail(f"{path} was not written")
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        fail(f"{path} is not a PNG")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if width < 300 or height < 200 or len(data) < 10_000:
        fail(f"{path} is too small to hold a plot ({width}x{height}, {len(data)} bytes)")


def check_fixture(script, fixture, work):
    out = os.path.join(work, "plots")
    result = run(script, [fixture, "--out", out])
    if result.returncode != 0:
        fail(f"exit {result.returncode} on the fixture: {result.stderr.strip()}")
    check_png(os.path.join(out, "success.png"))
    # the fixture has one data size per method: no scaling plot
    if os.path.exists(os.path.join(out, "scaling.png")):
        fail("scaling.png drawn for results with a single data size")
    leftovers = [n for n in os.listdir(out) if n.endswith(".tmp")]
    if leftovers:
        fail(f"temporary files left in {out}: {leftovers}")


def check_scaling(script, fixture, work):
    """The fixture's learned rows at two robot-demo counts: scaling.png appears, in DIR/plots."""
    with open(os.path.join(fixture, "results.json"), encoding="utf-8") as f:
        results = json.load(f)
    cells = []
    for cell in results["cells"]:
        sizes = [(5, 50)] if cell["method"] == "expert" else [(5, 50), (20, 50), (20, 100)]
        for robot, human in sizes:
            entry = copy.deepcopy(cell)
            entry.update(robot_demos=robot, human_videos=human)
            cells.append(entry)
    results["cells"] = cells
    folder = os.path.join(work, "scaling")
    os.makedirs(folder)
    with open(os.path.join(folder, "results.json"), "w", encoding="utf-8") as f:
        json.dump(results, f)
    result = run(script, [folder])
    if result.returncode != 0:
        fail(f"exit {result.returncode} on scaling results: {result.stderr.strip()}")
    check_png(os.path.join(folder, "plots", "success.png"))
    check_png(os.path.join(folder, "plots", "scaling.png"))


def check_bad_input(script, work):
    cases = {
        "truncated": '{"cells": [',
        "not_an_object": "[1, 2]",
        "cells_not_a_list": '{"cells": 3}',
        "interval_not_a_pair": '{"cells": [{"task": "t", "embodiment": "e", "method": "m", '
                               '"success_rate": 0.5, "interval_95": [0.1]}]}',
    }
    for name, text in cases.items():
        folder = os.path.join(work, name)
        os.makedirs(folder)
        with open(os.path.join(folder, "results.json"), "w", encoding="utf-8") as f:
            f.write(text)
        expect_exit_2(script, folder, name)
    expect_exit_2(script, os.path.join(work, "no_such_dir"), "missing results.json")


def expect_exit_2(script, folder, name):
    result = run(script, [folder])
    lines = result.stderr.strip().splitlines()
    if result.returncode != 2:
        fail(f"{name}: exit {result.returncode}, expected 2 ({result.stderr.strip()})")
    if len(lines) != 1 or "Traceback" in result.stderr:
        fail(f"{name}: expected one line on stderr, got:\n{result.stderr}")


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        # the plot script's shebang names this same interpreter
        importlib.import_module("matplotlib")
    except ImportError:
        print("check_plots: matplotlib not importable; skipped", file=sys.stderr)
        return SKIP
    script, fixture = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="plot_suite_test.")
    try:
        check_fixture(script, fixture, work)
        check_scaling(script, fixture, work)
        check_bad_input(script, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("check_plots: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
