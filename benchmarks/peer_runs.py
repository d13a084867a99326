"""What the peer benchmarks (bench_rnn.py, bench_cnn.py) share: one measurement
per fresh child process, the runs of every framework rotated, medians with
their spread."""
import argparse
import json
import os
import statistics
import subprocess
import sys

from bench_training import HELD_BACK, child_env


def spawn(script, python, env, timeout, *args):
    """`script --child args` under `python`: its result, or {"failed": why} when
    it raised or ran past `timeout`."""
    try:
        out = subprocess.run([python, os.path.abspath(script), "--child", *args], env=env,
                             capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"failed": "killed after %.0f s" % timeout}
    if out.returncode != 0:
        lines = out.stderr.strip().splitlines()
        return {"failed": lines[-1] if lines else "exit status %d" % out.returncode,
                "stderr": out.stderr[-4000:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def can_import(python, name):
    return subprocess.run([python, "-c", "import " + name], capture_output=True,
                          env=child_env(1)).returncode == 0


def measure(script, frameworks, pythons, workloads, thread_counts, args, samples, outcome,
            extra=()):
    """{threads: {workload: [{framework: result} per run]}}, printing progress as it
    goes. Each child gets (framework, workload, samples, warm-up batches, max
    seconds, *extra); the order of the frameworks rotates from run to run, and a
    framework that fails or is too slow is dropped from the workload's later runs."""
    res = {}
    timeout = 3 * args.max_seconds + 300
    for nthreads in thread_counts:
        env = child_env(nthreads)
        res[nthreads] = {}
        for wl in workloads:
            runs, dropped = [], set()
            for i in range(args.runs):
                k = i % len(frameworks)
                run = {}
                for f in frameworks[k:] + frameworks[:k]:
                    if f in dropped:
                        continue
                    load = os.getloadavg()[0]
                    r = spawn(script, pythons[f], env, timeout, f, wl, str(samples[wl]),
                              str(args.warmup_batches), str(args.max_seconds), *extra)
                    r["load_before"], r["load_after"] = load, os.getloadavg()[0]
                    run[f] = r
                    if "seconds" not in r:
                        dropped.add(f)
                    print("%s, %d thread(s), run %d of %d, %s: %s; load %.2f -> %.2f" % (
                        wl, nthreads, i + 1, args.runs, f, outcome(r), r["load_before"],
                        r["load_after"]), flush=True)
                runs.append(run)
            res[nthreads][wl] = runs
    return res


def cell(values, fmt, unit=""):
    """The median, and the min-max spread when there are several values."""
    show = fmt if callable(fmt) else (lambda v: fmt % v)
    text = show(statistics.median(values))
    if len(values) > 1:
        text += " (%s-%s)" % (show(min(values)), show(max(values)))
    return text + unit


def plan(args, all_frameworks, all_workloads):
    """(interpreter per framework, the frameworks that import there, workloads,
    thread counts, samples per workload) from the command line, printing what
    will run and what was left out."""
    pythons = {"nnlite": sys.executable, "torch": args.torch_python or sys.executable,
               "keras": args.keras_python or sys.executable}
    wanted = args.frameworks.split(",")
    frameworks, missing = [], []
    for f in all_frameworks:
        if f not in wanted:
            continue
        module = {"nnlite": "nnlite", "torch": "torch", "keras": "tensorflow, keras"}[f]
        (frameworks if can_import(pythons[f], module) else missing).append(f)
    workloads = [wl for wl in all_workloads if wl in args.workloads.split(",")]
    thread_counts = [int(n) for n in args.threads.split(",")]
    samples = {wl: spec["samples"] // (10 if args.quick else 1)
               for wl, spec in all_workloads.items()}
    print("threads %s; frameworks: %s" % (args.threads, ", ".join(
        f + ("" if pythons[f] == sys.executable else " (%s)" % pythons[f])
        for f in frameworks)))
    if missing:
        print("skipped, cannot import: %s" % ", ".join(
            "%s (%s)" % (f, pythons[f]) for f in missing))
    if args.quick:
        print("--quick: a tenth of the data (%s samples)" % ", ".join(
            "%s %d" % kv for kv in samples.items()))
    held = {name: os.environ[name] for name in HELD_BACK if name in os.environ}
    if held:
        print("removed for the children: %s" % held)
    return pythons, frameworks, workloads, thread_counts, samples


def options(doc, all_frameworks, all_workloads):
    """The command-line options every peer benchmark takes (see bench_rnn.py's
    docstring); a benchmark adds its own to the parser returned."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--torch-python")
    parser.add_argument("--keras-python")
    parser.add_argument("--frameworks", default=",".join(all_frameworks))
    parser.add_argument("--workloads", default=",".join(all_workloads))
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup-batches", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    parser.add_argument("--fma-peak")
    parser.add_argument("--peak-gflops", type=float)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json")
    return parser
