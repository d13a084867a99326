"""What the peer benchmarks (bench_rnn.py, bench_cnn.py) share: one measurement
per fresh child process, the runs of every framework rotated, medians with
their spread."""
import json
import os
import statistics
import subprocess

from bench_training import child_env


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
