"""The pieces a Word document is built from, with python-docx: text safe for XML, tables
with a real header row, page-number fields, and charts drawn from their SVG as images.

Everything here uses the built-in styles of python-docx's template (Title, Heading 1-3,
List Number, Caption, Table Grid...), so that a consultant editing the document in Word
or LibreOffice restyles it all at once and adds pages in the same styles.
"""

from __future__ import annotations

import html
import re
from io import BytesIO

import resvg_py
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

LANGUAGE = "en-GB"
BODY_FONT = "Calibri"  # Word's own; LibreOffice draws it with a metric-compatible font
TABLE_STYLE = "Table Grid"
TABLE_TEXT = "Table Text"  # a paragraph style of its own, so that tables restyle at once
TABLE_TEXT_ID = "TableText"  # the id python-docx derives from the name
HEADER_FILL = "DCE6F2"
MUTED = RGBColor(0x57, 0x60, 0x6A)
A4_WIDTH, A4_HEIGHT, MARGIN = Cm(21), Cm(29.7), Cm(2)
TEXT_WIDTH_CM = 17.0
# The charts are drawn at twice their SVG size, so they stay sharp when printed.
CHART_ZOOM = 2

# What XML 1.0 cannot hold (python-docx refuses it): C0 controls but tab, line feed and
# carriage return; lone surrogates; U+FFFE and U+FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
SVG_DESC = re.compile(r"<desc\b[^>]*>(.*?)</desc>", re.S)


def clean(value: object) -> str:
    """Text as a Word document can hold it: a string, without the characters XML refuses."""
    return NOT_XML.sub("", "" if value is None else str(value))


def new_document(*, title: str, author: str, subject: str, keywords: str) -> WordDocument:
    """An A4 document in British English, with its metadata set."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN
    properties = document.core_properties
    properties.title, properties.author = clean(title), clean(author)
    properties.subject, properties.keywords = clean(subject), clean(keywords)
    properties.language = LANGUAGE
    _set_language(document)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, Pt(10.5)
    table_text = document.styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = Pt(9.5)
    table_text.paragraph_format.space_after = Pt(2)
    table_text.paragraph_format.line_spacing = 1.0
    return document


def _set_language(document: WordDocument) -> None:
    """The spelling language of every style that does not set its own."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    language = run_properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_properties.append(language)
    language.set(qn("w:val"), LANGUAGE)


def paragraph(container, text: str = "", *, style: str | None = None, lead: str = "") -> Paragraph:
    """A paragraph in ``container`` (the document or a cell); ``lead`` goes first, in bold.
    Line breaks in ``text`` stay line breaks."""
    result = container.add_paragraph(style=style)
    if lead:
        result.add_run(clean(lead)).bold = True
        if text:
            result.add_run(" ")
    add_lines(result, text)
    return result


def add_lines(target: Paragraph, text: str, *, bold: bool = False) -> None:
    for index, line in enumerate(clean(text).splitlines() or [""]):
        run = target.add_run()
        if bold:
            run.bold = True
        if index:
            run.add_break()
        run.add_text(line)


def muted(target: Paragraph, text: str) -> None:
    run = target.add_run(clean(text))
    run.font.color.rgb = MUTED


def table(
    container,
    header: list[str],
    rows: list[list[str]],
    widths_cm: list[float],
) -> Table:
    """A table whose first row is a header row: shaded, bold, repeated on every page."""
    result = container.add_table(rows=1, cols=len(header))
    result.style = TABLE_STYLE
    result.alignment = WD_TABLE_ALIGNMENT.LEFT
    result.autofit = False
    for cell, text in zip(result.rows[0].cells, header, strict=True):
        cell_text(cell, text, bold=True)
        _shade(cell, HEADER_FILL)
    mark_header_row(result.rows[0])
    for values in rows:
        add_row(result, values)
    set_widths(result, widths_cm)
    return result


def add_row(result: Table, values: list[object]) -> list[_Cell]:
    """A row that does not break across pages."""
    row = result.add_row()
    keep_together(row)
    for cell, value in zip(row.cells, values, strict=True):
        cell_text(cell, value)
    return row.cells


def keep_together(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def mark_header_row(row) -> None:
    """A header row in Word's sense: repeated at the top of each page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def set_widths(result: Table, widths_cm: list[float]) -> None:
    """Word reads the cells' widths, LibreOffice the grid's: both are set."""
    for column, width in zip(result.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in result.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def cell_text(cell: _Cell, text: object, *, bold: bool = False) -> None:
    """A cell's text (line breaks kept); more paragraphs can be added after it."""
    cell.paragraphs[0]._p.style = TABLE_TEXT_ID  # by id: a lookup by name costs a millisecond
    add_lines(cell.paragraphs[0], clean(text), bold=bold)


def spanning_row(result: Table, text: str, fill: str = "F2F4F7") -> None:
    """A row that is one cell across the table, in bold: a group's title inside a table."""
    row = result.add_row()
    keep_together(row)
    cells = row.cells
    merged = cells[0].merge(cells[-1])
    cell_text(merged, text, bold=True)
    merged.paragraphs[0].paragraph_format.keep_with_next = True  # not alone at a page's foot
    _shade(merged, fill)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def field(target: Paragraph, instruction: str, placeholder: str = "1") -> None:
    """A field Word and LibreOffice compute, such as PAGE or NUMPAGES."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), str(MUTED))
    properties.append(colour)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    simple.append(run)
    target._p.append(simple)


def page_break(document: WordDocument) -> None:
    document.add_page_break()


def chart(document: WordDocument, svg: str, caption: str, *, width_cm: float) -> None:
    """An SVG chart as a PNG picture, with the chart's own description as its alternative
    text, and a caption under it."""
    png = svg_png(svg)
    document.add_picture(BytesIO(png), width=Cm(width_cm))
    picture = document.paragraphs[-1]
    picture.paragraph_format.keep_with_next = True
    description = SVG_DESC.search(svg)
    properties = picture._p.xpath(".//wp:docPr")[0]
    properties.set("title", clean(caption))
    if description:
        properties.set("descr", clean(html.unescape(description.group(1))))
    paragraph(document, caption, style="Caption")


def svg_png(svg: str) -> bytes:
    """Our own charts' SVG (no scripts, no external references), drawn by resvg with the
    system's fonts on white."""
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=CHART_ZOOM, background="#ffffff"))
