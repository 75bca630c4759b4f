"""Plain-text writer: pastes cleanly into an EHR (no markup, wrapped, headings in capitals)."""

from __future__ import annotations

import textwrap

from painclinic.notes.document import Bullets, Document, Fields, Heading, Paragraph

WIDTH = 78


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    return textwrap.wrap(
        " ".join(text.split()),
        width=WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=True,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def write(doc: Document) -> str:
    out: list[str] = [doc.title.upper(), ""]
    for notice in doc.notices:
        out += [*_wrap(notice, "!! ", "   "), ""]
    for k, v in doc.header:
        out += _wrap(f"{k}: {v}", rest="  ")
    out.append("")
    for banner in doc.banners:
        out += _wrap(banner, "!! ", "   ")
        out.append("")
    for section in doc.sections:
        out += [section.title.upper(), ""]
        for block in section.blocks:
            if isinstance(block, Heading):
                out.append(f"{block.text}:")
            elif isinstance(block, Paragraph):
                out += _wrap(
                    block.text, "!! " if block.strong else "", "   " if block.strong else ""
                )
                out.append("")
            elif isinstance(block, Fields):
                for k, v in block.rows:
                    out += _wrap(f"{k}: {v}", rest="  ")
                out.append("")
            elif isinstance(block, Bullets):
                for i, item in enumerate(block.items, 1):
                    mark = f"{i}. " if block.ordered else "- "
                    out += _wrap(item, mark, " " * len(mark))
                out.append("")
    out += ["-" * 40]
    for line in doc.footer:
        out += _wrap(line)
    return "\n".join(out).rstrip("\n") + "\n"
