"""The resident's own working diagnosis and plan, in practice mode.

Same split as the clinic's assessment pane (diagnosis on the left, plan on the right), but
nothing is suggested and nothing is preselected: every list holds every option of the
knowledge base in alphabetical order, so the order gives no hint. Red flags, root levels,
differential, plan items (one list per track) and items to avoid are `SelectionList`s (space
marks an option; drawn `[x]` / `[ ]`); the primary mechanism is a `RadioSet`.

Messages up: `Changed` after every mark. The screen reads `assessment()` and `plan()` when
the resident finishes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import RadioSet, SelectionList, Static

from painclinic import checklist as logic
from painclinic.knowledge import KnowledgeBase
from painclinic.model import TRACKS
from painclinic.practice import ResidentAssessment, ResidentPlan
from painclinic.tui.widgets.marks import MarkedRadioButton, MarkedSelectionList

MECHANISMS = ("nociceptive", "neuropathic", "nociplastic", "mixed")


class ResidentForm(Widget):
    DEFAULT_CSS = """
    ResidentForm { height: 1fr; layout: vertical; }
    ResidentForm #rf-split { height: 1fr; }
    ResidentForm #rf-left, ResidentForm #rf-right {
        width: 1fr; padding: 0 1; scrollbar-size-vertical: 1;
    }
    ResidentForm .rf-heading { text-style: bold; color: $accent; padding: 0 0 0 1; }
    ResidentForm SelectionList, ResidentForm RadioSet {
        border: round $border-blurred;
        border-title-color: $foreground; border-title-style: bold;
        &:focus, &:focus-within { border: round $border; }
    }
    /* marks read [x] / [ ] and (*) / ( ) (widgets/marks.py): not colour alone */
    /* the blurred cursor row is not a mark: only the focused list shows its cursor */
    ResidentForm SelectionList:blur > .option-list--option-highlighted {
        background: transparent; color: $foreground; text-style: none;
    }
    ResidentForm RadioSet { width: 1fr; }
    ResidentForm #rf-red-flags { height: 10; }
    ResidentForm #rf-roots { height: 8; }
    ResidentForm #rf-differential { height: 12; }
    ResidentForm .rf-plan { height: 8; }
    ResidentForm #rf-avoid { height: 12; }
    ResidentForm #rf-summary { height: auto; padding: 0 1; background: $boost; }
    """

    class Changed(Message):
        def __init__(self, form: ResidentForm) -> None:
            super().__init__()
            self.form = form

    def __init__(self, kb: KnowledgeBase, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kb = kb
        roots = sorted(kb.anatomy.root_patterns, key=logic.root_sort_key)
        self.root_options = [f"{root} {side}" for root in roots for side in logic.SIDES]

    def _list(self, title: str, options: list[tuple[str, str]], id: str, classes: str = ""):
        widget: SelectionList[str] = MarkedSelectionList(*options, id=id, classes=classes)
        widget.border_title = title
        return widget

    def compose(self) -> ComposeResult:
        kb = self.kb

        def by_label(items: Mapping[str, Any]) -> list[tuple[str, str]]:
            return sorted(((d.label, i) for i, d in items.items()), key=lambda o: o[0].lower())

        with Horizontal(id="rf-split"):
            with VerticalScroll(id="rf-left", can_focus=False):
                yield Static("YOUR WORKING DIAGNOSIS", classes="rf-heading")
                yield self._list("Red flags present", by_label(kb.red_flags), "rf-red-flags")
                mechanism = RadioSet(
                    *(MarkedRadioButton(m.capitalize(), id=f"rf-mech-{m}") for m in MECHANISMS),
                    id="rf-mechanism",
                )
                mechanism.border_title = "Primary mechanism"
                yield mechanism
                yield self._list(
                    "Root level(s), if radicular",
                    [(r, r) for r in self.root_options],
                    "rf-roots",
                )
                yield self._list("Differential", by_label(kb.conditions), "rf-differential")
            with VerticalScroll(id="rf-right", can_focus=False):
                yield Static("YOUR PLAN (one list per track)", classes="rf-heading")
                for track in TRACKS:
                    items = {i: t for i, t in kb.treatments.items() if t.track == track}
                    yield self._list(
                        f"{track.capitalize()}", by_label(items), f"rf-plan-{track}", "rf-plan"
                    )
                avoid = sorted(
                    ((f"{t.label} ({t.track})", i) for i, t in kb.treatments.items()),
                    key=lambda o: o[0].lower(),
                )
                yield self._list("Avoid for this patient", avoid, "rf-avoid")
        yield Static(id="rf-summary")

    def on_mount(self) -> None:
        self._summary()

    # ------------------------------------------------------------ values out

    def _selected(self, id: str) -> list[str]:
        return list(self.query_one(f"#{id}", SelectionList).selected)

    def mechanism(self) -> str | None:
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.id.removeprefix("rf-mech-") if pressed and pressed.id else None

    def assessment(self) -> ResidentAssessment:
        return ResidentAssessment(
            red_flags=self._selected("rf-red-flags"),
            mechanism=self.mechanism(),
            roots=self._selected("rf-roots"),
            differential=self._selected("rf-differential"),
        )

    def plan(self) -> ResidentPlan:
        accepted = [item for track in TRACKS for item in self._selected(f"rf-plan-{track}")]
        return ResidentPlan(accepted=accepted, avoid=self._selected("rf-avoid"))

    # ------------------------------------------------------------ values in

    def restore(self, assessment: ResidentAssessment, plan: ResidentPlan) -> None:
        """Mark again what a saved, unfinished attempt had committed."""
        lists = {
            "rf-red-flags": assessment.red_flags,
            "rf-roots": assessment.roots,
            "rf-differential": assessment.differential,
            "rf-avoid": plan.avoid,
        }
        for item in plan.accepted:
            treatment = self.kb.treatments.get(item)
            if treatment is not None:
                lists.setdefault(f"rf-plan-{treatment.track}", []).append(item)
        for id, values in lists.items():
            widget = self.query_one(f"#{id}", SelectionList)
            for value in values:
                widget.select(value)
        if assessment.mechanism:
            for button in self.query_one(RadioSet).query(MarkedRadioButton):
                if button.id == f"rf-mech-{assessment.mechanism}":
                    button.value = True
        self._summary()

    # ------------------------------------------------------------ summary

    @on(SelectionList.SelectedChanged)
    @on(RadioSet.Changed)
    def _changed(self, event: Message) -> None:
        event.stop()
        self._summary()
        self.post_message(self.Changed(self))

    def _summary(self) -> None:
        a, p = self.assessment(), self.plan()
        parts = [
            f"red flags {len(a.red_flags)}",
            f"mechanism {a.mechanism or '-'}",
            f"roots {', '.join(a.roots) or '-'}",
            f"differential {len(a.differential)}",
            f"plan items {len(p.accepted)}",
            f"avoid {len(p.avoid)}",
        ]
        lines = [
            Content.assemble(("Your commitments: ", "bold"), " · ".join(parts)),
            Content.styled(
                "Tab moves between lists, arrows within one, space marks. ctrl+s finishes.",
                "$text-muted",
            ),
        ]
        both = [self.kb.treatments[i].label for i in p.accepted if i in p.avoid]
        if both:
            lines.append(
                Content.styled(
                    f"⚠ In your plan and in your avoid list: {', '.join(both)}",
                    "bold $text-error",
                )
            )
        self.query_one("#rf-summary", Static).update(Content("\n").join(lines))
