"""Where the JAIR 2022 instances are: `KETNOI_JAIR_DIR`, else `../shared/benchmarks/jair2022`
beside the checkout, else the workplace's `/work/shared/benchmarks/jair2022` (a checkout made
elsewhere on the machine, as CI's may be)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_CANDIDATES = (
    ROOT.parent / "shared" / "benchmarks" / "jair2022",
    Path("/work/shared/benchmarks/jair2022"),
)


def jair_dir() -> Path:
    if os.environ.get("KETNOI_JAIR_DIR"):
        return Path(os.environ["KETNOI_JAIR_DIR"])
    return next((path for path in _CANDIDATES if path.is_dir()), _CANDIDATES[0])
