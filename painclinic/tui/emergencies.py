"""Which visits carry an EMERGENCY red flag the physician has not acknowledged.

The lists (patients, visits) say so in words, so a visit left with the banner unanswered is
not lost among the others. The engine decides what is an emergency; acknowledgements are the
ones recorded in the visit's plan. A visit is assessed once per saved revision: the answer is
kept under (visit id, revision), so redrawing a list reads nothing it has already read.
No Textual here: the screens call it, the tests can too.
"""

from __future__ import annotations

from painclinic.engine import assess
from painclinic.model import Visit
from painclinic.store import RecordStore, VisitSummary

WORDS = "! EMERGENCY not acknowledged"


def unacknowledged(visit: Visit) -> tuple[str, ...]:
    """The ids of the visit's emergency red flags with no acknowledgement in its plan."""
    done = {a.flag for a in visit.plan.acknowledged} if visit.plan else set()
    return tuple(
        f.id for f in assess(visit).red_flags if f.urgency == "emergency" and f.id not in done
    )


class EmergencyCache:
    """`flags(summary)`: the unacknowledged emergency flags of a visit, cached by revision."""

    def __init__(self, store: RecordStore) -> None:
        self.store = store
        self._known: dict[tuple[str, int], tuple[str, ...]] = {}

    def flags(self, summary: VisitSummary) -> tuple[str, ...]:
        key = (summary.id, summary.revision)
        if key not in self._known:
            self._known[key] = unacknowledged(self.store.get_visit(summary.id).visit)
        return self._known[key]

    def words(self, summary: VisitSummary) -> str:
        """The alert as a list shows it: the words, or nothing."""
        return WORDS if self.flags(summary) else ""
