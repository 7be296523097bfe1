"""`tradewind precompile`: fill numba's on-disk cache so the first run does not compile."""

from __future__ import annotations

from tradewind.cli.tables import console


def precompile_command() -> None:
    """Compile the engine's kernels into the on-disk cache (make setup runs this).

    Without it the first backtest after an install compiles them itself, which takes
    20-30 s on a 2-core machine; with it every run only loads them.
    """
    from tradewind.app.warmup import warm_kernels

    out = console()
    with out.status("compiling kernels") as status:
        seconds = warm_kernels(on_step=lambda label: status.update(f"compiling: {label}"))
    out.print(f"kernels compiled and cached in {seconds:.1f} s", highlight=False)
