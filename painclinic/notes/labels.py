"""Readable labels for record ids, from the knowledge base's vocabularies.

Every lookup falls back to the id in plain words, so a note never fails on an id the knowledge
base does not (yet) name.
"""

from __future__ import annotations

from functools import cache

from painclinic.knowledge import KnowledgeBase, load_knowledge


@cache
def kb() -> KnowledgeBase:
    return load_knowledge()


def words(value: str) -> str:
    """`below_knee` -> `below knee`."""
    return value.replace("_", " ")


def lower_first(text: str) -> str:
    """Lower-case a label's first letter for use mid-sentence, keeping acronyms (`MRI`)."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def sentence(items: list[str], sep: str = ", ") -> str:
    """Labels joined mid-sentence: the first as written, the rest with a lower-case initial."""
    return sep.join([items[0], *map(lower_first, items[1:])]) if items else ""


def vocab(name: str, value: str) -> str:
    return kb().vocab.get(name, {}).get(value) or words(value)


def treatment(tid: str) -> str:
    t = kb().treatments.get(tid)
    if t is not None:
        return t.label
    for name in ("other_treatments", "checkpoint_about"):
        if tid in kb().vocab.get(name, {}):
            return kb().vocab[name][tid]
    drug = kb().drugs.get(tid)
    return drug.label if drug is not None else words(tid).capitalize()


def short_treatment(tid: str) -> str:
    """A treatment's name without its prescribing detail: `Oral NSAID`, `Physical therapy`."""
    label = treatment(tid).split(",")[0].strip()
    return label.removesuffix(" referral")


def treatment_track(tid: str) -> str | None:
    t = kb().treatments.get(tid)
    return t.track if t is not None else None


def drug(did: str) -> str:
    d = kb().drugs.get(did)
    return d.label if d is not None else words(did).capitalize()


def red_flag(fid: str) -> str:
    f = kb().red_flags.get(fid)
    return f.label if f is not None else words(fid).capitalize()


def red_flags_for_region(region: str | None) -> list[str]:
    """The red-flag ids the screen covers for a region, in knowledge-base order."""
    out = []
    for fid, f in kb().red_flags.items():
        if "any" in f.regions or region is None or region in f.regions:
            out.append(fid)
    return out


def instrument(sid: str) -> str:
    inst = kb().instruments.get(sid)
    if inst is not None:
        return inst.label
    crit = kb().criteria.get(sid)
    return crit.label if crit is not None else words(sid)


def screen(sid: str) -> str:
    """The instrument with its range, `DN4 (0-10)`."""
    return kb().vocab.get("screens", {}).get(sid) or instrument(sid)


def muscle(mid: str) -> str:
    m = kb().anatomy.key_muscles.get(mid)
    return f"{m.action} ({m.root})" if m is not None else words(mid).capitalize()


def reflex(rid: str) -> str:
    r = kb().anatomy.reflexes.get(rid)
    name = words(rid).capitalize()
    return f"{name} ({r.roots})" if r is not None else name


def avoid(aid: str) -> str:
    if aid in kb().treatments or aid in kb().drugs:
        return short_treatment(aid)
    return words(aid).capitalize()


def about(value: str) -> str:
    """What a checkpoint follows up: a treatment or a review kind."""
    if value in kb().vocab.get("checkpoint_about", {}):
        return kb().vocab["checkpoint_about"][value]
    return short_treatment(value)
