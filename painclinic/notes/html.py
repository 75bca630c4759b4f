"""HTML writer: one standalone, escaped document with minimal inline CSS that prints well."""

from __future__ import annotations

from html import escape

from painclinic.notes.document import Bullets, Document, Fields, Heading, Paragraph

CSS = """
body { font: 11pt/1.45 Georgia, "Times New Roman", serif; color: #111; margin: 0; }
main { max-width: 46em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: .3em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #888; margin-top: 1.6em; }
h3 { font-size: 1em; margin: 1em 0 .3em; }
dl { display: grid; grid-template-columns: max-content auto; gap: .15em 1em; margin: .4em 0; }
dt { font-weight: bold; }
dd { margin: 0; }
ul, ol { margin: .3em 0; padding-left: 1.5em; }
.alert { border: 2px solid #000; padding: .4em .6em; font-weight: bold; }
footer { margin-top: 2em; border-top: 1px solid #888; font-size: .9em; color: #333; }
@media print { main { margin: 0; max-width: none; } h2, h3 { break-after: avoid; } }
""".strip()


def _e(text: str) -> str:
    return escape(text, quote=True)


def _fields(rows: tuple[tuple[str, str], ...], css: str = "") -> list[str]:
    klass = f' class="{css}"' if css else ""
    out = [f"<dl{klass}>"]
    out += [f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows]
    out.append("</dl>")
    return out


def write(doc: Document) -> str:
    date = next((v for k, v in doc.header if k == "Visit"), "")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="generator" content="painclinic">',
        f"<title>{_e(doc.title)}{' - ' + _e(date) if date else ''}</title>",
        f"<style>\n{CSS}\n</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{_e(doc.title)}</h1>",
    ]
    out += [f'<p class="alert" role="note">{_e(n)}</p>' for n in doc.notices]
    out += _fields(doc.header, "header")
    out += [f'<p class="alert" role="alert">{_e(b)}</p>' for b in doc.banners]
    for section in doc.sections:
        out += ["<section>", f"<h2>{_e(section.title)}</h2>"]
        for block in section.blocks:
            if isinstance(block, Heading):
                out.append(f"<h3>{_e(block.text)}</h3>")
            elif isinstance(block, Paragraph):
                if block.strong:
                    out.append(f'<p class="alert"><strong>{_e(block.text)}</strong></p>')
                else:
                    out.append(f"<p>{_e(block.text)}</p>")
            elif isinstance(block, Fields):
                out += _fields(block.rows)
            elif isinstance(block, Bullets):
                tag = "ol" if block.ordered else "ul"
                out += [f"<{tag}>", *(f"<li>{_e(i)}</li>" for i in block.items), f"</{tag}>"]
        out.append("</section>")
    out.append("<footer>")
    out += [f"<p>{_e(line)}</p>" for line in doc.footer]
    out += ["</footer>", "</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
