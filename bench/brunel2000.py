#!/usr/bin/python3
"""Benchmark nnc against Brian2 on Brunel (2000) model A.

For each scale, runs examples/brunel2000.nml with nnc and the same network
built in Brian2 (cpp_standalone device), in this process, on this machine, and
prints rates, phase times and the Brian2/nnc time ratios, followed by a check
of both simulators' rates against each other and against Brunel's mean-field
theory.

Uses /usr/bin/python3 on purpose: Brian2 and h5py come from Debian packages
(bench/install-deps), which a pyenv or virtualenv python does not see.
"""

import argparse
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Brunel (2000) model A, as in examples/brunel2000.nml (Fig. 8B, AI regime).
G_REL = 6.0        # relative strength of inhibition g
ETA = 4.0          # nu_ext / nu_thr
EPSILON = 0.1      # connection probability
J_MV = 0.1         # excitatory PSP amplitude (mV)
DELAY_MS = 1.5
TAU_MS = 20.0
THETA_MV = 20.0
V_RESET_MV = 10.0
T_REF_MS = 2.0
DT_MS = 0.1


def c_round(x):
    """Round half away from zero, like nnc's round() (Python's round() is banker's)."""
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


def sizes(scale):
    """N_E, N_I, C_E, C_I exactly as examples/brunel2000.nml computes them."""
    n_e = c_round(10000 * scale)
    n_i = c_round(n_e / 4)
    return n_e, n_i, c_round(EPSILON * n_e), c_round(EPSILON * n_i)


def mean_field_rate(c_e, g=G_REL, eta=ETA):
    """Stationary rate (Hz) of Brunel's (2000) mean-field theory for model A.

    Solves 1/nu = t_ref + tau sqrt(pi) * int_{(V_r-mu)/sigma}^{(theta-mu)/sigma}
    exp(u^2)(1 + erf u) du self-consistently; same method as the end-to-end test
    (tests/end_to_end/run_output_test.cpp).
    """
    j, tau, theta, v_r, t_ref, gamma = J_MV, TAU_MS * 1e-3, THETA_MV, V_RESET_MV, T_REF_MS * 1e-3, 0.25
    nu_ext = eta * theta / (j * c_e * tau)

    def integrand(u):
        # exp(u^2) erfc(-u) decays like 1/(|u| sqrt(pi)) for large negative u.
        return 1.0 / (-u * math.sqrt(math.pi)) if u < -20.0 else math.exp(u * u) * math.erfc(-u)

    nu = 10.0
    for _ in range(400):
        mu = c_e * j * tau * (nu_ext + nu * (1.0 - g * gamma))
        sigma = math.sqrt(j * j * c_e * tau * (nu_ext + nu * (1.0 + g * g * gamma)))
        a, b = (v_r - mu) / sigma, (theta - mu) / sigma
        n = 4000  # trapezoidal rule; the integrand is smooth
        h = (b - a) / n
        s = 0.5 * (integrand(a) + integrand(b)) + sum(integrand(a + i * h) for i in range(1, n))
        nu = 0.8 * nu + 0.2 / (t_ref + tau * math.sqrt(math.pi) * s * h)  # damped iteration
    return nu


# ---------------------------------------------------------------------------- nnc

UNIT_S = {"µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def parse_nnc_summary(text):
    """Rates, spike counts, synapse count and phase times from nnc run's summary
    (format: compiler/driver/run_report.cpp)."""
    out = {"rate": {}, "spikes": {}, "phases": {}}
    for m in re.finditer(r"^\s+(\w+)\s+([\d,]+)\s+([\d,]+)\s+([\d.]+)\s*$", text, re.M):
        out["spikes"][m.group(1)] = int(m.group(3).replace(",", ""))
        out["rate"][m.group(1)] = float(m.group(4))
    m = re.search(r"synapses: ([\d,]+)", text)
    out["synapses"] = int(m.group(1).replace(",", "")) if m else None
    m = re.search(r"^\s*time: (.*)$", text, re.M)
    if m:
        for part in m.group(1).split(","):
            name, value, unit = part.split()
            out["phases"][name] = float(value) * UNIT_S[unit]
    return out


def run_nnc(args, scale, workdir):
    """One nnc run; returns rates, synapse count and times (s)."""
    h5 = os.path.join(workdir, f"nnc_{scale:g}.h5")
    cmd = [args.nnc, "run", args.model, "-D", f"scale={scale:g}", "--duration", f"{args.duration:g}",
           "--seed", str(args.seed), "-o", h5]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    except OSError as e:  # e.g. the binary is being relinked
        sys.exit(f"cannot run nnc: {e}")
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"nnc failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stdout}{proc.stderr}")
    s = parse_nnc_summary(proc.stdout)
    phases = s["phases"]
    if "simulate" not in phases or set(s["rate"]) != {"E", "I"}:
        sys.exit(f"cannot parse nnc's summary:\n{proc.stdout}")
    # Cross-check the summary against the spikes nnc wrote to HDF5.
    import h5py
    with h5py.File(h5, "r") as f:
        for pop, count in s["spikes"].items():
            n = f[f"/spikes/{pop}/timestamps"].shape[0]
            if n != count or f[f"/spikes/{pop}/node_ids"].shape[0] != count:
                print(f"note: nnc printed {count} spikes for {pop} but wrote {n} to {h5}")
    os.remove(h5)
    setup = sum(v for k, v in phases.items() if k not in ("simulate", "write"))
    return {"rate_e": s["rate"]["E"], "rate_i": s["rate"]["I"], "synapses": s["synapses"],
            "setup": setup, "sim": phases["simulate"], "wall": wall}


# ---------------------------------------------------------------------------- Brian2

class Brian:
    """Builds and runs the network in Brian2; standalone first, numpy runtime as fallback."""

    def __init__(self, mode):
        warnings.filterwarnings("ignore", category=FutureWarning)  # numpy/pythran noise
        t0 = time.perf_counter()
        import brian2
        self.import_s = time.perf_counter() - t0
        self.b2 = brian2
        brian2.prefs.logging.file_log = False
        self.mode = mode  # 'cpp_standalone' or 'runtime'
        self.standalone_started = False

    def run(self, scale, duration_ms, seed, workdir):
        if self.mode == "cpp_standalone":
            try:
                return self._run(scale, duration_ms, seed, workdir)
            except Exception as e:  # compiler missing, build failure, ...
                print(f"note: Brian2 cpp_standalone failed ({type(e).__name__}: {e}); "
                      "falling back to the runtime device with the numpy target")
                self.mode = "runtime"
        return self._run(scale, duration_ms, seed, workdir)

    def _run(self, scale, duration_ms, seed, workdir):
        b2 = self.b2
        from brian2 import ms, mV, Hz, second
        standalone = self.mode == "cpp_standalone"
        if standalone:
            if self.standalone_started:  # one build per network: start afresh
                b2.device.reinit()
                b2.device.activate(build_on_run=False)
            else:
                b2.set_device("cpp_standalone", build_on_run=False)
                self.standalone_started = True
        else:
            b2.device.reinit()
            b2.set_device("runtime")
            b2.prefs.codegen.target = "numpy"
        b2.seed(seed)
        b2.defaultclock.dt = DT_MS * ms

        n_e, n_i, c_e, c_i = sizes(scale)
        ns = {"tau": TAU_MS * ms, "theta": THETA_MV * mV, "V_r": V_RESET_MV * mV,
              "J": J_MV * mV, "g": G_REL, "C_E": c_e, "C_I": c_i}
        nu_ext = ETA * THETA_MV / (J_MV * c_e * TAU_MS * 1e-3) * Hz

        t0 = time.perf_counter()
        # LIF with delta synapses. Brian2 makes every write to an "(unless
        # refractory)" variable conditional on not_refractory, so synaptic and
        # Poisson input arriving while refractory is lost (the voltage stays
        # clamped at reset), as in nnc's iaf_psc_delta, NEST and Brunel (2000).
        neurons = b2.NeuronGroup(n_e + n_i, "dv/dt = -v / tau : volt (unless refractory)",
                                 threshold="v >= theta", reset="v = V_r",
                                 refractory=T_REF_MS * ms, method="exact", namespace=ns)
        neurons.v = "rand() * theta"  # uniform in [0, 20 mV)
        exc, inh = neurons[:n_e], neurons[n_e:]
        # Fixed in-degree, sources drawn with replacement (multapses and autapses
        # allowed), like nnc's (and NEST's) fixed_indegree default.
        syn_e = b2.Synapses(exc, neurons, on_pre="v_post += J",
                            delay=DELAY_MS * ms, namespace=ns)
        syn_e.connect(i="int(rand() * N_pre) for _ in range(C_E)")
        syn_i = b2.Synapses(inh, neurons, on_pre="v_post += -g * J",
                            delay=DELAY_MS * ms, namespace=ns)
        syn_i.connect(i="int(rand() * N_pre) for _ in range(C_I)")
        # C_E independent Poisson sources at nu_ext per neuron, weight J.
        drive = b2.PoissonInput(neurons, "v", N=c_e, rate=nu_ext, weight=J_MV * mV)
        mon_e, mon_i = b2.SpikeMonitor(exc), b2.SpikeMonitor(inh)  # record all spikes, like nnc
        net = b2.Network(neurons, syn_e, syn_i, drive, mon_e, mon_i)

        if standalone:
            net.run(duration_ms * ms, namespace={})
            directory = tempfile.mkdtemp(prefix=f"brian_{scale:g}_", dir=workdir)  # cold build
            b2.device.build(directory=directory, compile=True, run=True, with_output=False)
            wall = time.perf_counter() - t0
            sim = float(b2.device._last_run_time)  # Network::run inside the binary
            compile_s = b2.device.timers["compile"]["make"] or 0.0
        else:
            t1 = time.perf_counter()
            net.run(duration_ms * ms, namespace={})
            wall = time.perf_counter() - t0
            sim = wall - (t1 - t0)  # includes the (small) numpy code generation
            compile_s = 0.0

        dur_s = duration_ms * 1e-3
        return {"rate_e": mon_e.num_spikes / (n_e * dur_s), "rate_i": mon_i.num_spikes / (n_i * dur_s),
                "synapses": len(syn_e) + len(syn_i), "setup": wall - sim, "compile": compile_s,
                "sim": sim, "wall": wall, "mode": self.mode}


# ---------------------------------------------------------------------------- main

def best(runs, key):
    return min(r[key] for r in runs)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scales", type=float, nargs="+", default=[0.2, 0.5, 1.0])
    p.add_argument("--duration", type=float, default=1000.0, help="model time in ms (default 1000)")
    p.add_argument("--repeat", type=int, default=1, help="runs per simulator and scale; times are the minimum")
    p.add_argument("--seed", type=int, default=12345)
    p.add_argument("--nnc", default=os.path.join(REPO, "build/compiler/driver/nnc"))
    p.add_argument("--model", default="examples/brunel2000.nml")
    p.add_argument("--brian-device", choices=["cpp_standalone", "runtime"], default="cpp_standalone",
                   help="runtime uses the numpy target")
    args = p.parse_args()
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    if not os.access(args.nnc, os.X_OK):
        sys.exit(f"no nnc binary at {args.nnc} (build it, or pass --nnc)")

    brian = Brian(args.brian_device)
    print(f"Brunel (2000) model A, g={G_REL:g}, eta={ETA:g}, {args.duration:g} ms, dt {DT_MS} ms, "
          f"seed {args.seed}, repeat {args.repeat}; {os.cpu_count()} CPUs; "
          f"Brian2 {brian.b2.__version__} (import {brian.import_s:.1f} s, not counted)")
    load = os.getloadavg()[0]
    if load > 0.5:
        print(f"note: load average {load:.1f} before starting; other processes may distort the times")
    print("times in s: setup = everything but simulate (nnc: parse..build; Brian2: code generation, "
          "C++ compile, in-binary construction);\nwall = whole run (nnc: the process; Brian2: from "
          "building the objects to the end of device.build)", flush=True)

    rows = []
    with tempfile.TemporaryDirectory(prefix="nnc-bench-") as workdir:
        for scale in args.scales:
            nnc_runs, b2_runs = [], []
            for _ in range(args.repeat):
                nnc_runs.append(run_nnc(args, scale, workdir))
                b2_runs.append(brian.run(scale, args.duration, args.seed, workdir))
            n_e, n_i, c_e, _ = sizes(scale)
            rows.append((scale, n_e + n_i, c_e, nnc_runs, b2_runs))
            b = b2_runs[-1]
            print(f"  scale {scale:g}: nnc sim {best(nnc_runs, 'sim'):.2f} s, Brian2 ({b['mode']}) "
                  f"sim {best(b2_runs, 'sim'):.2f} s, compile {best(b2_runs, 'compile'):.1f} s", flush=True)

    head = (f"{'scale':>5} {'neurons':>8} {'synapses':>11} | {'nnc E/I Hz':>13} {'Brian2 E/I Hz':>13} | "
            f"{'nnc setup':>9} {'sim':>6} {'wall':>6} | {'B2 setup':>8} {'sim':>6} {'wall':>6} | "
            f"{'B2/nnc sim':>10} {'wall':>6}")
    print("\n" + head + "\n" + "-" * len(head))
    for scale, neurons, _, nr, br in rows:
        n, b = nr[-1], br[-1]
        syn = f"{n['synapses']:,}" + ("" if n["synapses"] == b["synapses"] else "*")
        print(f"{scale:>5g} {neurons:>8,} {syn:>11} | {n['rate_e']:6.1f}/{n['rate_i']:6.1f} "
              f"{b['rate_e']:6.1f}/{b['rate_i']:6.1f} | {best(nr, 'setup'):9.2f} {best(nr, 'sim'):6.2f} "
              f"{best(nr, 'wall'):6.2f} | {best(br, 'setup'):8.2f} {best(br, 'sim'):6.2f} "
              f"{best(br, 'wall'):6.2f} | {best(br, 'sim') / best(nr, 'sim'):10.2f} "
              f"{best(br, 'wall') / best(nr, 'wall'):6.2f}")
    if any(r[4][-1]["mode"] != "cpp_standalone" for r in rows):
        print("Brian2 ran on the runtime device (numpy target) where cpp_standalone failed")
    if any(r[3][-1]["synapses"] != r[4][-1]["synapses"] for r in rows):
        print("* synapse counts differ between nnc and Brian2")

    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1) + 0.5:
        print(f"note: load average {load:.1f} at the end (more than the {os.cpu_count()} CPUs plus this "
              "benchmark); times are suspect")

    # Rates: the two simulators should agree with each other within a few Hz, and
    # both should lie near the mean-field prediction (a diffusion approximation
    # that ignores delays and finite size, so only good to several per cent).
    print("\nrate check (mean of E and I, Hz):")
    ok = True
    for scale, _, c_e, nr, br in rows:
        theory = mean_field_rate(c_e)
        rn = sum(0.5 * (r["rate_e"] + r["rate_i"]) for r in nr) / len(nr)
        rb = sum(0.5 * (r["rate_e"] + r["rate_i"]) for r in br) / len(br)
        agree = abs(rn - rb) <= max(3.0, 0.05 * theory)
        near = all(abs(r - theory) <= 0.1 * theory for r in (rn, rb))
        ok &= agree and near
        print(f"  scale {scale:g} (C_E {c_e}): mean-field {theory:.1f}, nnc {rn:.1f} ({rn - theory:+.1f}), "
              f"Brian2 {rb:.1f} ({rb - theory:+.1f}), nnc - Brian2 {rn - rb:+.1f}: "
              f"{'agree' if agree else 'DISAGREE'}, {'near theory' if near else 'FAR FROM THEORY'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
