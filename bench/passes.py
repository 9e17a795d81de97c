#!/usr/bin/env python3
"""Time nnc's optimisation passes: each network run with the passes on and off.

For every network, runs `nnc run FILE` (and reads its summary) with and
without `--no-optimise`, alternating the two so that a change in the
machine's load hits both alike, and prints the simulate time of each (minimum
and median over --repeat runs) and the ratio off/on: above 1 means the passes
make the simulation faster. The passes are exact, so the spike counts must be
the same with and without them; the script checks that and exits with status 1
if they differ (tests/end_to_end/optimisation_test.cpp checks every spike and
state bit for bit).

Standard library only.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (label, model file, extra arguments): a network where the kernel is a small share of
# the work (Brunel: spike delivery and Poisson drive dominate), and one whose neurons
# carry state that only plots would read, which dead-state elimination drops.
NETWORKS = [
    ("brunel2000 scale 0.2", "examples/brunel2000.nml", ["-D", "scale=0.2"]),
    ("lif_with_diagnostics", "bench/lif_with_diagnostics.nml", []),
]

UNIT_S = {"µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def parse_summary(text):
    """Spike counts per population and phase times (s) from nnc run's summary
    (format: compiler/driver/run_report.cpp)."""
    spikes = {m.group(1): int(m.group(2).replace(",", ""))
              for m in re.finditer(r"^\s+(\w+)\s+[\d,]+\s+([\d,]+)\s+[\d.]+\s*$", text, re.M)}
    phases = {}
    m = re.search(r"^\s*time: (.*)$", text, re.M)
    if m:
        for part in m.group(1).split(","):
            name, value, unit = part.split()
            phases[name] = float(value) * UNIT_S[unit]
    return spikes, phases


def run_once(nnc, model, extra, optimise, duration):
    cmd = [nnc, "run", model, *extra]
    if duration is not None:
        cmd += ["--duration", f"{duration:g}"]
    if not optimise:
        cmd.append("--no-optimise")
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"nnc failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stdout}{proc.stderr}")
    spikes, phases = parse_summary(proc.stdout)
    if "simulate" not in phases or not spikes:
        sys.exit(f"cannot parse nnc's summary:\n{proc.stdout}")
    return spikes, phases["simulate"]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nnc", default=os.path.join(REPO, "build/compiler/driver/nnc"),
                        help="the nnc binary (default: build/compiler/driver/nnc)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per setting (default 5)")
    parser.add_argument("--duration", type=float, default=None,
                        help="model time in ms, instead of each model's own")
    args = parser.parse_args()
    if not os.access(args.nnc, os.X_OK):
        sys.exit(f"no nnc binary at {args.nnc}; build it, or pass --nnc PATH")
    if args.repeat < 1:
        sys.exit("--repeat must be at least 1")

    rows = []
    mismatch = False
    for label, model, extra in NETWORKS:
        times = {True: [], False: []}
        counts = {}
        for i in range(args.repeat):
            # Alternate which setting goes first, so that neither always runs on a cold cache.
            for optimise in ((True, False) if i % 2 == 0 else (False, True)):
                spikes, simulate = run_once(args.nnc, model, extra, optimise, args.duration)
                times[optimise].append(simulate)
                if counts.setdefault(optimise, spikes) != spikes:
                    sys.exit(f"{label}: the spike counts changed between two runs: "
                             f"{counts[optimise]} and {spikes}")
        if counts[True] != counts[False]:
            mismatch = True
            print(f"{label}: spike counts differ with the passes on {counts[True]} "
                  f"and off {counts[False]}")
        rows.append((label, sum(counts[True].values()), min(times[True]),
                     statistics.median(times[True]), min(times[False]),
                     statistics.median(times[False])))

    print(f"simulate time in seconds over {args.repeat} runs each; "
          "ratio = passes off / passes on (above 1: the passes make it faster)")
    print()
    header = (f"{'network':<22} {'spikes':>11} | {'on min':>7} {'median':>7} | "
              f"{'off min':>7} {'median':>7} | {'ratio min':>9} {'median':>7}")
    print(header)
    print("-" * len(header))
    for label, spikes, on_min, on_med, off_min, off_med in rows:
        print(f"{label:<22} {spikes:>11,} | {on_min:>7.3f} {on_med:>7.3f} | "
              f"{off_min:>7.3f} {off_med:>7.3f} | {off_min / on_min:>9.2f} "
              f"{off_med / on_med:>7.2f}")
    print()
    print("spike counts: " + ("DIFFER with the passes on and off" if mismatch
                              else "the same with the passes on and off"))
    try:
        load = os.getloadavg()[0]
        if load > (os.cpu_count() or 1):
            print(f"note: load average {load:.1f} on {os.cpu_count()} cores; times are noisy")
    except OSError:
        pass
    return 1 if mismatch else 0


if __name__ == "__main__":
    sys.exit(main())
