"""pyrudof (Rust SHACL) on the same data and shapes as `validate --from-store`, for comparison: time, peak
memory of this process, result counts. Not a dependency of the tool (`pip install pyrudof`).

    nice -n 10 .venv/bin/python bench/rudof.py bench/out/100k/dataset.nq
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import pyrudof

SHAPES = Path(__file__).resolve().parent.parent / "ontology" / "shapes"


def main(dataset: str) -> None:
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    start = time.perf_counter()
    rudof.read_data(dataset, format=pyrudof.RDFFormat.NQuads)
    loaded = time.perf_counter()
    rudof.read_shacl("\n".join(p.read_text(encoding="utf-8") for p in sorted(SHAPES.glob("*.ttl"))))
    report = rudof.validate_shacl()
    done = time.perf_counter()
    severities = Counter(str(getattr(r, "severity", "?")) for r in report)
    print(
        json.dumps(
            {
                "dataset": dataset,
                "load_s": round(loaded - start, 2),
                "validate_s": round(done - loaded, 2),
                "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "results": len(report),
                "severities": dict(severities),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
