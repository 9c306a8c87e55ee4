#!/usr/bin/python3
"""W7, PyTorch side: peak RSS of W1 (batch 128) over `steps` training steps; prints KiB."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "workloads"))
import torch  # noqa: E402
import models  # noqa: E402

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 300
step = models.train_step_factory(("mlp", 128), models.mlp, (784,), 128)
for _ in range(steps):
    step()
# VmHWM, not ru_maxrss: Linux carries maxrss across fork and exec (see rss_kiln.js).
with open("/proc/self/status") as f:
    hwm = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
print(json.dumps({"maxRssKiB": hwm}))
