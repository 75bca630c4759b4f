"""A three-way yes / no / not-asked toggle, worded so a yes is unmistakable without colour.

Red-flag items use it: `[ YES ! ]` in bold capitals (red background where colour exists),
`[ no ]`, `[ ? not asked ]`. Not asked is never shown as no. Keys y, n, and u or space
(not asked); a click on a word picks it.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from painclinic.tui.widgets.comment import CommentRequested


class YesNoToggle(Widget, can_focus=True):
    DEFAULT_CSS = """
    YesNoToggle {
        width: auto;
        height: 1;
        padding: 0 1;
    }
    YesNoToggle:focus {
        background: $boost;
        text-style: underline;
    }
    """

    BINDINGS = [
        Binding("y", "answer('yes')", "Yes", id="yes_no.yes"),
        Binding("n", "answer('no')", "No", id="yes_no.no"),
        Binding("u,space", "answer('unset')", "Not asked", id="yes_no.not_asked"),
        Binding("c", "comment", "Comment", id="item.comment"),
    ]

    value: reactive[bool | None] = reactive(None)

    class Changed(Message):
        def __init__(self, toggle: YesNoToggle, value: bool | None) -> None:
            super().__init__()
            self.toggle = toggle
            self.value = value

        @property
        def control(self) -> YesNoToggle:
            return self.toggle

    def __init__(self, *, flag: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.flag = flag  # a red-flag item: a yes carries the "!" marker

    def render(self) -> Content:
        chosen = {True: "yes", False: "no", None: "unset"}[self.value]
        parts: list[Content | tuple[str, str] | str] = []
        for key, shown, idle, style in (
            ("yes", "YES !" if self.flag else "YES", "yes", "bold white on $error"),
            ("no", "no", "no", "bold"),
            ("unset", "? not asked", "? not asked", "italic"),
        ):
            if key == chosen:
                parts.append((f"[ {shown} ]", f"{style} @click=answer('{key}')"))
            else:
                parts.append((f"  {idle}  ", f"$text-muted @click=answer('{key}')"))
            parts.append(" ")
        return Content.assemble(*parts)

    def set_value(self, value: bool | None) -> None:
        if value is self.value:
            return
        self.set_reactive(YesNoToggle.value, value)
        self.refresh()

    def action_answer(self, which: str) -> None:
        value = {"yes": True, "no": False, "unset": None}[which]
        self.focus()
        if value is self.value:
            return
        self.value = value
        self.post_message(self.Changed(self, value))

    def action_comment(self) -> None:
        self.post_message(CommentRequested())
