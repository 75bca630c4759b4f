"""Snapshots of the main screens at a fixed size (pytest-textual-snapshot; pinned textual).

Deterministic: a fixed 'today', no remembered state, no save times, the demo patients.
Update with `pytest tests/test_app_snapshots.py --snapshot-update`, then look at the report
before accepting.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from painclinic.demo import load_demo
from painclinic.store import Store
from painclinic.tui.app import PainClinicApp
from tests.conftest import AppFactory

SIZE = (120, 40)


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("snap") / "store"
    load_demo(Store(root))
    return root


@pytest.fixture
def demo_app(app_factory: AppFactory, demo_root: Path) -> PainClinicApp:
    """The production app on the demo patients, without save times (they change every run)."""
    return app_factory(Store(demo_root), show_save_times=False)


def test_patients_screen(snap_compare, demo_app: PainClinicApp) -> None:
    assert snap_compare(demo_app, terminal_size=SIZE)


@pytest.mark.parametrize("tab", ["history", "exam", "body_map", "assessment"])
def test_visit_tabs_of_seed_case_1(snap_compare, demo_app: PainClinicApp, settle, tab: str) -> None:
    app = demo_app

    async def open_visit(pilot) -> None:
        app.open_visit("demo-01-v1", tab=tab)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_visit)


def test_red_flag_banner_on_the_cauda_equina_visit(snap_compare, demo_app: PainClinicApp) -> None:
    app = demo_app

    async def open_visit(pilot) -> None:
        app.open_visit("demo-04-v1", tab="assessment")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_visit)


def test_body_map_with_markings_at_80_by_24(snap_compare, demo_app: PainClinicApp) -> None:
    app = demo_app

    async def open_visit(pilot) -> None:
        app.open_visit("demo-01-v1", tab="body_map")
        await pilot.pause()
        await pilot.press("p", "space")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_visit)


def test_new_patient_dialog_with_one_comorbidity_ticked(
    snap_compare, demo_app: PainClinicApp
) -> None:
    """Sex 'male' chosen and GERD ticked read `(*)` and `[x]`, the others `( )` and `[ ]`."""

    async def fill(pilot) -> None:
        await pilot.press("n", "tab", "tab", "right", "space")  # name, age, sex: male
        await pilot.press("tab", "tab", "tab", "down", "space")  # comorbidities: GERD
        await pilot.pause()

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=fill)


def test_emergency_visit_assessment_at_80_by_24(snap_compare, demo_app: PainClinicApp) -> None:
    """Small terminal, cauda equina: one line a flag, ACT NOW on top, the avoid list in view."""
    app = demo_app

    async def open_visit(pilot) -> None:
        app.open_visit("demo-04-v1", tab="assessment")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_visit)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_follow_up_history(
    snap_compare, demo_app: PainClinicApp, settle, size: tuple[int, int]
) -> None:
    """'Since the last visit': one closed line at 80x24, open at 120x40."""
    app = demo_app

    async def open_visit(pilot) -> None:
        app.open_visit("demo-01-v3", tab="history")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_visit)
