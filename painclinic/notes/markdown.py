"""Markdown writer for the structured note: `#` title, `##` sections, `###` subheadings, lists."""

from __future__ import annotations

import re

from painclinic.notes.document import Bullets, Document, Fields, Heading, Paragraph

# Record text is never markup, under CommonMark (markdown-it) and Python-Markdown (MkDocs, many
# wikis) alike. `<` and `&` become entities: Python-Markdown does not read `\<` as an escape, so
# a backslash would leave a live tag. Every `[` and `]` is escaped (a link, an image, or a link
# reference definition needs them). Block markers at a line start become character references
# (`=` and `|` have no backslash escape in Python-Markdown); the rest keep their backslash.
_ENTITIES = {"&": "&amp;", "<": "&lt;"}
_INLINE = re.compile(r"[\\`*_\[\]&<]")
_LEADING = re.compile(r"^(\s*)([#>+\-=|]|\d+(?=[.)]))")  # block markers at a line start


def escape(text: str) -> str:
    """Escape what Markdown would read as markup or HTML; record text is never markup."""
    text = " ".join(text.split())
    text = _INLINE.sub(lambda m: _ENTITIES.get(m.group()) or "\\" + m.group(), text)
    return _LEADING.sub(_leading, text)


def _leading(m: re.Match[str]) -> str:
    mark = m.group(2)
    return m.group(1) + (mark + "\\" if mark[0].isdigit() else f"&#{ord(mark)};")


def write(doc: Document) -> str:
    out: list[str] = [f"# {escape(doc.title)}", ""]
    for notice in doc.notices:
        out += [f"> **{escape(notice)}**", ""]
    out += [f"- **{escape(k)}:** {escape(v)}" for k, v in doc.header]
    out.append("")
    for banner in doc.banners:
        out += [f"> **{escape(banner)}**", ""]
    for section in doc.sections:
        out += [f"## {escape(section.title)}", ""]
        for block in section.blocks:
            if isinstance(block, Heading):
                out += [f"### {escape(block.text)}", ""]
            elif isinstance(block, Paragraph):
                text = escape(block.text)
                out += [f"**{text}**" if block.strong else text, ""]
            elif isinstance(block, Fields):
                out += [f"- **{escape(k)}:** {escape(v)}" for k, v in block.rows]
                out.append("")
            elif isinstance(block, Bullets):
                marks = (f"{i}." for i in range(1, len(block.items) + 1))
                out += [
                    f"{next(marks) if block.ordered else '-'} {escape(item)}"
                    for item in block.items
                ]
                out.append("")
    out += ["---", ""]
    for line in doc.footer:
        out += [f"*{escape(line)}*", ""]
    return "\n".join(out).rstrip("\n") + "\n"
