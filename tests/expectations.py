"""Check an assessment against a worked case's `expect:` block (CONTRACT.md section 4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from painclinic.model import Assessment


def _alternatives(entry: str) -> list[str]:
    return [part.strip() for part in str(entry).split("|")]


def unmet(expect: dict[str, Any], a: Assessment, visit_date: dt.date) -> list[str]:
    """Every expectation the assessment misses, in words; [] when all are met."""
    problems: list[str] = []
    flags = [f.id for f in a.red_flags]
    suggested = {t: [i.id for i in items] for t, items in a.tracks.items()}
    everywhere = {i for ids in suggested.values() for i in ids}
    avoid = {x.id for x in a.avoid}
    roots = {f"{r.root} {r.side}" for r in a.localization}
    for key, want in expect.items():
        if key == "red_flags":
            if set(flags) != set(want):
                problems.append(f"red_flags: want exactly {sorted(want)}, got {sorted(flags)}")
        elif key == "urgency":
            got = {f.id: f.urgency for f in a.red_flags}
            for fid, level in want.items():
                if got.get(fid) != level:
                    problems.append(f"urgency of {fid}: want {level}, got {got.get(fid)}")
        elif key == "mechanism":
            if a.mechanism.primary not in _alternatives(want):
                problems.append(f"mechanism: want {want}, got {a.mechanism.primary}")
        elif key == "mechanism_includes":
            missing = [m for m in want if m not in a.mechanism.components]
            if missing:
                problems.append(
                    f"mechanism components lack {missing} (got {a.mechanism.components})"
                )
        elif key == "roots":
            missing = [r for r in want if r not in roots]
            if missing:
                problems.append(f"roots lack {missing} (got {sorted(roots)})")
        elif key == "roots_exactly":
            if roots != set(want):
                problems.append(f"roots: want exactly {sorted(want)}, got {sorted(roots)}")
        elif key == "differential":
            got = [d.id for d in a.differential]
            missing = [d for d in want if d not in got]
            if missing:
                problems.append(f"differential lacks {missing} (got {got})")
        elif key == "suggest":
            for entry in want:
                if not set(_alternatives(entry)) & everywhere:
                    problems.append(f"suggest: none of {entry} in any track")
        elif key == "suggest_in":
            for track, entries in want.items():
                for entry in entries:
                    if not set(_alternatives(entry)) & set(suggested.get(track, [])):
                        problems.append(
                            f"suggest_in {track}: none of {entry} (got {suggested.get(track)})"
                        )
        elif key == "not_suggest":
            wrong = [i for i in want if i in everywhere]
            if wrong:
                problems.append(f"not_suggest: {wrong} suggested")
        elif key == "empty_tracks":
            for track in want:
                if suggested.get(track):
                    problems.append(f"track {track} should be empty, has {suggested[track]}")
        elif key == "avoid":
            missing = [i for i in want if i not in avoid]
            if missing:
                problems.append(f"avoid lacks {missing} (got {sorted(avoid)})")
        elif key == "alerts":
            got = {x.id for x in a.safety.alerts}
            missing = [i for i in want if i not in got]
            if missing:
                problems.append(f"alerts lack {missing} (got {sorted(got)})")
        elif key == "not_alerts":
            got = {x.id for x in a.safety.alerts}
            wrong = [i for i in want if i in got]
            if wrong:
                problems.append(f"alerts should not include {wrong}")
        elif key == "mme":
            if abs(a.safety.mme_per_day - float(want)) > 1:
                problems.append(f"mme: want {want}, got {a.safety.mme_per_day}")
        elif key == "acetaminophen_mg":
            if a.safety.acetaminophen_mg_per_day != float(want):
                problems.append(
                    f"acetaminophen: want {want}, got {a.safety.acetaminophen_mg_per_day}"
                )
        elif key == "checkpoint_within":
            for about, days in want.items():
                ok = any(
                    c.about == about and 1 <= (c.date - visit_date).days <= int(days)
                    for c in a.checkpoints
                )
                if not ok:
                    got = [(c.about, (c.date - visit_date).days) for c in a.checkpoints]
                    problems.append(f"no checkpoint about {about} within {days} days (got {got})")
        elif key == "first_steps_include":
            for entry in want:
                if not set(_alternatives(entry)) & set(a.first_steps):
                    problems.append(f"first_steps: none of {entry} (got {a.first_steps})")
        elif key == "first_steps_exclude":
            track_of = {i: t for t, ids in suggested.items() for i in ids}
            wrong = [s for s in a.first_steps if s in want or track_of.get(s) in want]
            if wrong:
                problems.append(f"first_steps should not hold {wrong} (excluded: {want})")
        elif key == "workup":
            got = [w.id for w in a.workup]
            for entry in want:
                if not set(_alternatives(entry)) & set(got):
                    problems.append(f"workup: none of {entry} (got {got})")
        elif key == "workup_when":
            when = {w.id: w.when for w in a.workup}
            for wid, level in want.items():
                if not str(when.get(wid, "")).startswith(str(level)):
                    problems.append(f"workup {wid}: want when {level}, got {when.get(wid)}")
        elif key == "not_indicated":
            got = [n.id for n in a.not_indicated]
            missing = [i for i in want if i not in got]
            if missing:
                problems.append(f"not_indicated lacks {missing} (got {got})")
        elif key == "dose_for":
            dosed = {i.id for items in a.tracks.values() for i in items if i.dose and i.dose.start}
            missing = [i for i in want if i not in dosed]
            if missing:
                problems.append(f"no dose.start for {missing}")
        elif key == "urgency_at_least":
            rank = {"soon": 0, "urgent": 1, "emergency": 2}
            levels = {f.id: f.urgency for f in a.red_flags}
            for fid, level in want.items():
                if fid not in levels or rank[levels[fid]] < rank[level]:
                    problems.append(
                        f"urgency of {fid}: want at least {level}, got {levels.get(fid)}"
                    )
        elif key == "checkpoints_have_if_not":
            bare = [c.about for c in a.checkpoints if not c.if_not.strip()]
            if want and bare:
                problems.append(f"checkpoints without if_not: {bare}")
        else:
            problems.append(f"unknown expect key {key!r}")
    return problems
