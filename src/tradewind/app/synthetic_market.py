"""`tradewind data synth` through `app`: a seeded synthetic market with planted truth,
written into a catalog (see `tradewind.data.synthetic`).

Each function imports the generator when it is called.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradewind.data.synthetic import SyntheticSpec as SyntheticSpec
    from tradewind.data.synthetic import SyntheticTruth as SyntheticTruth

__all__ = ["regime_labels", "synthetic_spec", "write_synthetic"]


def synthetic_spec(**settings: Any) -> SyntheticSpec:
    """The validated spec of a synthetic market (`SyntheticSpec`'s fields by name).

    Raises:
        SyntheticSpecError: a setting out of range; names it.
    """
    from tradewind.data.synthetic import SyntheticSpec

    return SyntheticSpec(**settings)


def write_synthetic(
    spec: SyntheticSpec,
    catalog_dir: Path | None,
    *,
    validate: bool,
    progress: Callable[[int, int], None],
) -> tuple[SyntheticTruth, Path]:
    """Generate `spec` into the catalog at `catalog_dir`; returns the planted truth and
    the truth file's path. `progress(done, total)` is called per symbol written."""
    from tradewind.data.catalog import Catalog
    from tradewind.data.synthetic import truth_path, write_to_catalog

    catalog = Catalog(catalog_dir)
    truth = write_to_catalog(spec, catalog, validate=validate, progress=progress)
    return truth, truth_path(catalog.root, spec.name)


def regime_labels() -> tuple[str, ...]:
    """The planted regimes' labels, in their fixed order."""
    from tradewind.data.synthetic import REGIME_LABELS

    return REGIME_LABELS
