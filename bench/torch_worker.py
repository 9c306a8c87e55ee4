#!/usr/bin/python3
"""PyTorch side of kiln's benchmark suite: reads one JSON request per line on stdin, runs
the workload, and answers one JSON line: {"value": seconds per iteration} or {"error": text}.

Started by bench/run.js with the thread count fixed for the process and, for the 'tuned'
peer, OpenBLAS's openmp build with SkylakeX kernels and glibc malloc thresholds set in its
environment (see bench/README.md).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "workloads"))
from timing import timed  # noqa: E402

torch.set_num_threads(int(sys.argv[1]))
torch.manual_seed(0)
CACHE = {}


def sgemm(case, iters):
    n = case["n"]
    key = ("sgemm", n)
    if key not in CACHE:
        CACHE[key] = (torch.randn(n, n), torch.randn(n, n))
    a, b = CACHE[key]
    return timed(lambda: a @ b, iters)


def small_add(case, iters):
    a = torch.randn(4, requires_grad=True)
    b = torch.randn(4, requires_grad=True)
    return timed(lambda: a + b, iters)


WORKLOADS = {"sgemm": sgemm, "small_add": small_add}

# Workloads in bench/workloads/*.py register themselves into WORKLOADS.
import importlib.util  # noqa: E402

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "workloads")
for f in sorted(os.listdir(here)):
    if f.endswith(".py"):
        spec = importlib.util.spec_from_file_location(f[:-3], os.path.join(here, f))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        WORKLOADS.update(getattr(mod, "WORKLOADS", {}))

print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    try:
        value = WORKLOADS[req["workload"]](req["case"], req["iters"])
        print(json.dumps({"value": value}), flush=True)
    except Exception as e:  # report and keep serving
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}), flush=True)
