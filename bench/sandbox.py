"""Sandbox start-up: a trivial candidate run on a warm worker vs a cold start.

Both are measured in the same run, interleaved by `measure_startup`; the ratio
is what to read (the machine is shared and noisy). Goal: warm p50 <= 20 ms.
"""

from __future__ import annotations

import argparse

from lsp_codegen.sandbox.bench import measure_startup
from lsp_codegen.sandbox.isolation import isolation_name


def main() -> None:
    """Print warm and cold p50 for `--runs` trivial runs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    figures = measure_startup(runs)
    warm, cold = figures["warm_p50_s"] * 1000, figures["cold_p50_s"] * 1000
    print(f"sandbox start-up, {runs} runs each, isolation: {isolation_name()}")
    print(f"  warm p50 {warm:7.1f} ms   (goal <= 20 ms: {'ok' if warm <= 20 else 'MISSED'})")
    print(f"  cold p50 {cold:7.1f} ms")
    print(f"  cold / warm {cold / warm:5.1f}x")


if __name__ == "__main__":
    main()
