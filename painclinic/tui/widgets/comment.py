"""The small inline input for a comment on one checklist or exam item.

An editor that wants a comment posts `CommentRequested`; the row (or the exam grid) mounts a
`CommentInput` under the item. Enter posts `Saved(text)` (empty text removes the comment),
escape posts `Cancelled`. The owner turns a saved comment into `FieldChanged`.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class CommentRequested(Message):
    """An item's editor asks for its comment box (key c, or ctrl+o in a text field)."""


class CommentInput(Input):
    DEFAULT_CSS = """
    CommentInput {
        margin: 0 0 0 2;
        width: 1fr;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel comment", id="comment.cancel"),
        Binding("enter", "save", "Save comment", id="comment.save"),
    ]

    class Saved(Message):
        def __init__(self, box: CommentInput, text: str) -> None:
            super().__init__()
            self.box = box
            self.text = text

        @property
        def control(self) -> CommentInput:
            return self.box

    class Cancelled(Message):
        def __init__(self, box: CommentInput) -> None:
            super().__init__()
            self.box = box

        @property
        def control(self) -> CommentInput:
            return self.box

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(
            value=text,
            placeholder="Comment on this item - enter saves, escape cancels, empty removes",
            compact=True,
            id=id,
            classes="comment-input",
        )

    def action_save(self) -> None:
        self.post_message(self.Saved(self, self.value))

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled(self))
