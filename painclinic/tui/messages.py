"""Messages shared by the visit widgets (attributes go down, messages come up).

A widget that edits the visit posts `FieldChanged` with a dotted path into the visit record
(CONTRACT section 1, e.g. `history.pain.now`, `exam.motor.great_toe_extension.left`,
`history.red_flags.fever`) and the new value (None = clear / not asked). The visit screen
applies it through `VisitSession.set`, which validates, recomputes and autosaves, and tells the
widget about a refused value by calling its `show_error(path, message | None)`.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message

from painclinic.model import Plan


class FieldChanged(Message):
    def __init__(self, path: str, value: Any) -> None:
        super().__init__()
        self.path = path
        self.value = value


class PlanChanged(Message):
    """The physician accepted, declined, added or re-dated something: the whole new plan."""

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan


class DraftTyped(Message):
    """Text typed into a field, before it is valid or saved: journaled so a crash loses none.

    `key` is the field's record path, or `<list path>#<entry>.<field>` in a list editor."""

    def __init__(self, key: str, text: str) -> None:
        super().__init__()
        self.key = key
        self.text = text
