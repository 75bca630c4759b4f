"""painclinic: a terminal clinic assistant for pain-management physicians.

Python API::

    from painclinic import load_visit, assess
    assessment = assess(load_visit("visit.yaml"))
    print(assessment.to_json())
"""

from painclinic.engine import assess
from painclinic.validation import VisitError, load_visit

__all__ = ["VisitError", "assess", "load_visit"]
__version__ = "0.1.0"
