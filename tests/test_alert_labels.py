"""Alerts and checkpoints read as words where they are shown (issue 11 item 6): every alert
has a label, notes and the CLI print it instead of the id, and checkpoints carry `if_not`."""

from __future__ import annotations

from io import StringIO

from rich.console import Console

from painclinic import assess
from painclinic.cli.render import render_assessment
from painclinic.knowledge import load_knowledge
from painclinic.model import Alert
from painclinic.notes import render
from painclinic.validation import visit_from_data
from tests.builders import merge
from tests.test_safety import CIPROFLOXACIN, NECK_MYOFASCIAL, TIZANIDINE

ON_BOTH = merge(NECK_MYOFASCIAL, {"patient": {"medications": [TIZANIDINE, CIPROFLOXACIN]}})


def test_every_alert_has_a_label() -> None:
    for aid, alert in load_knowledge().alerts.items():
        assert alert.label.strip(), f"alerts.{aid} has no label"
        assert alert.label != aid


def test_an_alert_from_older_json_without_a_label_still_loads_and_reads_as_words() -> None:
    old = Alert.model_validate({"id": "nsaid_steroid_gi", "severity": "high", "message": "x"})
    assert old.title() == "Nsaid steroid gi"


def test_alerts_carry_their_label_and_the_note_shows_it() -> None:
    visit = visit_from_data(ON_BOTH, source="<test_alert_labels>")
    a = assess(visit)
    alert = next(x for x in a.safety.alerts if x.id == "tizanidine_cyp1a2_inhibitor")
    assert alert.label == load_knowledge().alerts["tizanidine_cyp1a2_inhibitor"].label
    note = render(visit, a, "txt").decode()
    assert alert.label in note
    assert "Tizanidine cyp1a2 inhibitor" not in note


def test_the_note_and_the_cli_show_each_checkpoint_if_not() -> None:
    visit = visit_from_data(NECK_MYOFASCIAL, source="<test_alert_labels>")
    a = assess(visit)
    assert a.checkpoints
    note = render(visit, a, "txt").decode()
    out = StringIO()
    Console(file=out, width=300).print(render_assessment(a, "t"))
    for c in a.checkpoints:
        assert c.if_not
        assert c.if_not[:40] in " ".join(note.split())
        assert c.if_not[:30] in out.getvalue()
