"""`python -m bench` (make bench): run every benchmark module in this folder, each in its own process."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

failed = 0
for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if not module.name.startswith("_"):
        print(f"== bench.{module.name}", flush=True)
        failed |= subprocess.call([sys.executable, "-m", f"bench.{module.name}"])
sys.exit(failed)
