"""PDF writer (fpdf2, core fonts): paginated with page numbers, byte-stable for the same input.

Core fonts cover latin-1 only, so every string is transliterated first (em dash -> '-', curly
quotes -> straight, >= for the sign, ...); nothing outside latin-1 can reach fpdf2.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from fpdf import FPDF
from fpdf.util import Padding

from painclinic.notes.document import Bullets, Document, Fields, Heading, Paragraph

FONT = "helvetica"
BODY = 10
LINE = 5.0
ALERT_PADDING = Padding(1.5, 1.5, 1.5, 1.5)  # mm inside the box around an alert

_MAP = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u201c": '"',
    "\u201d": '"', "\u201e": '"', "\u2026": "...", "\u2022": "-", "\u00a0": " ", "\u2009": " ",
    "\u202f": " ", "\u2264": "<=", "\u2265": ">=", "\u2260": "!=", "\u2248": "~", "\u2192": "->",
    "\u2190": "<-", "\u2194": "<->", "\u21d2": "=>", "\u2191": "up", "\u2193": "down",
    "\u00b7": "-", "\u2032": "'", "\u2033": '"', "\u2122": "(TM)", "\u20ac": "EUR",
    "\u03bc": "u", "\u2713": "v", "\u2717": "x", "\u2022\u00a0": "- ",
}  # fmt: skip


def latin1(text: str) -> str:
    """Transliterate to latin-1 for the PDF core fonts; unknown characters become '?'."""
    out = []
    for ch in text:
        if ch in _MAP:
            out.append(_MAP[ch])
            continue
        try:
            ch.encode("latin-1")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        try:
            base.encode("latin-1")
            out.append(base or "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


class _NotePDF(FPDF):
    def __init__(self, running: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running = running

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(90)
        self.cell(0, 6, latin1(self.running), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 6, f"Page {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0)


def _when(visit_date: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(visit_date[:10])
    except ValueError:
        day = dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def write(doc: Document, visit_date: str) -> bytes:
    pdf = _NotePDF(f"{doc.title} - visit {visit_date}")
    pdf.set_creation_date(_when(visit_date))
    pdf.set_title(latin1(doc.title))
    pdf.set_creator("painclinic")
    pdf.set_producer("painclinic (fpdf2)")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    lm = pdf.l_margin

    def text(value: str, size: float = BODY, style: str = "", h: float = LINE) -> None:
        pdf.set_font(FONT, style=style, size=size)
        pdf.multi_cell(0, h, latin1(value), new_x="LMARGIN", new_y="NEXT")

    def field(label: str, value: str) -> None:
        pdf.set_x(lm)
        pdf.set_font(FONT, style="B", size=BODY)
        pdf.write(LINE, latin1(f"{label}: "))
        pdf.set_font(FONT, size=BODY)
        pdf.write(LINE, latin1(value))
        pdf.ln(LINE)

    def bullet(mark: str, value: str) -> None:
        indent = 6.0
        pdf.set_font(FONT, size=BODY)
        pdf.set_x(lm + 1)
        pdf.cell(indent - 1, LINE, mark)
        pdf.set_left_margin(lm + indent)
        pdf.set_x(lm + indent)
        pdf.multi_cell(0, LINE, latin1(value), new_x="LMARGIN", new_y="NEXT")
        pdf.set_left_margin(lm)
        pdf.set_x(lm)

    def alert(value: str) -> None:
        pdf.set_font(FONT, style="B", size=BODY)
        pdf.set_line_width(0.5)
        pdf.multi_cell(0, LINE + 0.5, latin1(value), border=1, padding=ALERT_PADDING,
                       new_x="LMARGIN", new_y="NEXT")  # fmt: skip
        pdf.set_line_width(0.2)
        pdf.ln(1.5)

    text(doc.title, size=16, style="B", h=8)
    pdf.ln(1)
    for notice in doc.notices:
        alert(notice)
    for k, v in doc.header:
        field(k, v)
    pdf.ln(2)
    for banner in doc.banners:
        alert(banner)
    for section in doc.sections:
        if pdf.will_page_break(24):
            pdf.add_page()
        pdf.ln(2)
        text(section.title, size=13, style="B", h=7)
        y = pdf.get_y()
        pdf.line(lm, y, pdf.w - pdf.r_margin, y)
        pdf.ln(1.5)
        for block in section.blocks:
            if isinstance(block, Heading):
                if pdf.will_page_break(14):
                    pdf.add_page()
                pdf.ln(1)
                text(block.text, size=11, style="B", h=6)
            elif isinstance(block, Paragraph):
                if block.strong:
                    alert(block.text)
                else:
                    text(block.text)
                    pdf.ln(1)
            elif isinstance(block, Fields):
                for k, v in block.rows:
                    field(k, v)
                pdf.ln(1)
            elif isinstance(block, Bullets):
                for i, item in enumerate(block.items, 1):
                    bullet(f"{i}." if block.ordered else "-", item)
                pdf.ln(1)
    pdf.ln(3)
    pdf.set_text_color(60)
    for line in doc.footer:
        text(line, size=8, h=4)
    pdf.set_text_color(0)
    return bytes(pdf.output())
