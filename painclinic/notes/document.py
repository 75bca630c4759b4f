"""A small structured document: what every human-readable note format renders.

The SOAP note is built once (`painclinic.notes.soap`) as headings, paragraphs, labelled fields
and bullet lists; the Markdown, plain-text, HTML and PDF writers each walk the same blocks, so
the four formats never drift apart. Blocks hold plain text only: escaping and layout belong to
the writers.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    """A subheading inside a section (the section titles themselves live on `Section`)."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    strong: bool = False  # a warning that must stand out in every format (red flags, unreviewed)


@dataclass(frozen=True)
class Fields:
    """Labelled lines, `Label: value`, in order."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    ordered: bool = False


Block = Heading | Paragraph | Fields | Bullets


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    title: str
    header: tuple[tuple[str, str], ...]  # identity and visit lines under the title
    banners: tuple[str, ...]  # urgent lines shown before the sections (red flags)
    sections: tuple[Section, ...]
    footer: tuple[str, ...] = field(default_factory=tuple)
    notices: tuple[str, ...] = field(default_factory=tuple)  # first lines, above the header


class Builder:
    """Collects the blocks of one section; empty fields and lists are dropped."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.blocks: list[Block] = []

    def heading(self, text: str) -> None:
        self.blocks.append(Heading(text))

    def para(self, text: str, strong: bool = False) -> None:
        if text:
            self.blocks.append(Paragraph(text, strong))

    def fields(self, rows: list[tuple[str, str | None]]) -> None:
        kept = tuple((k, v) for k, v in rows if v)
        if kept:
            self.blocks.append(Fields(kept))

    def bullets(self, items: list[str], ordered: bool = False) -> None:
        kept = tuple(i for i in items if i)
        if kept:
            self.blocks.append(Bullets(kept, ordered))

    def listed(self, heading: str, items: list[str]) -> None:
        """A heading and its bullets, or "None recorded." so an empty list is visibly empty."""
        self.heading(heading)
        if items:
            self.bullets(items)
        else:
            self.para("None recorded.")

    def build(self) -> Section:
        return Section(self.title, tuple(self.blocks))
