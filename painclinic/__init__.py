"""painclinic: a terminal clinic assistant for pain-management physicians.

Python API::

    from painclinic import load_visit, assess
    assessment = assess(load_visit("visit.yaml"))
    print(assessment.to_json())
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from painclinic.engine import assess
    from painclinic.validation import VisitError, load_visit

__all__ = ["VisitError", "assess", "load_visit"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Load the engine only when asked for it, so the app's first screen starts fast."""
    if name == "assess":
        from painclinic.engine import assess

        return assess
    if name in ("load_visit", "VisitError"):
        from painclinic import validation

        return getattr(validation, name)
    raise AttributeError(f"module 'painclinic' has no attribute {name!r}")
