"""What every chart shares: its colours (with their contrast against white), and the
helpers that write SVG 1.1 markup: elements, text, numbers, wrapped labels."""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

# Contrast against white (WCAG 2.2): text at least 4.5:1, data marks at least 3:1.
# Grid lines and the light bar fill only repeat what the data marks already show.
TEXT_COLOUR = "#1f2328"  # 15.8:1


MUTED_TEXT_COLOUR = "#57606a"  # 6.4:1


SCORE_COLOUR = "#1a5fb4"  # 6.3:1


PREVIOUS_COLOUR = "#b35806"  # 4.9:1, orange against blue also reads for colour-blind eyes


TARGET_COLOUR = "#1a7f37"  # 5.1:1; also dotted, so it reads apart from the others in greyscale


GRID_COLOUR = "#c9ced6"


BAR_FILL_COLOUR = "#b8d2f0"


FONT_FAMILY = "sans-serif"


# Average glyph width of a sans-serif font, as a share of the font size; used to
# wrap labels before they run into the plot or off the edge.
GLYPH_WIDTH = 0.55


# --- Markup helpers ----------------------------------------------------------


def svg_open(
    kind: str, width: float, height: float, title: str, desc: str, data: object
) -> list[str]:
    # Several charts share one page, so ids must differ between charts yet stay
    # stable between renders (tests and cached pages compare markup).
    digest = hashlib.sha256(repr((kind, title, data)).encode()).hexdigest()[:10]
    chart_id = f"{kind}-{digest}"
    root = {
        "xmlns": "http://www.w3.org/2000/svg",
        "version": "1.1",
        "class": f"chart chart-{kind}",
        "width": width,
        "height": height,
        "viewBox": f"0 0 {svg_number(width)} {svg_number(height)}",
        "role": "img",
        "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
        "font-family": FONT_FAMILY,
    }
    attributes = "".join(
        f" {name}={quoteattr(svg_attribute(value))}" for name, value in root.items()
    )
    return [
        f"<svg{attributes}>",
        svg_element("title", {"id": f"{chart_id}-title"}, escape(title)),
        svg_element("desc", {"id": f"{chart_id}-desc"}, escape(desc)),
    ]


def svg_text(
    x: float,
    first_baseline: float,
    lines: Sequence[tuple[str, Mapping[str, object]]],
    attributes: Mapping[str, object],
    *,
    line_height: float = 0,
) -> str:
    # One tspan per line with absolute x and y: WeasyPrint and browsers agree on it.
    tspans = "".join(
        svg_element("tspan", {"x": x, "y": first_baseline + i * line_height, **style}, escape(line))
        for i, (line, style) in enumerate(lines)
    )
    return svg_element("text", {"x": x, "y": first_baseline, **attributes}, tspans)


def svg_element(name: str, attributes: Mapping[str, object], content: str = "") -> str:
    """An element; ``content`` is markup that is already escaped."""
    rendered = "".join(
        f" {key}={quoteattr(svg_attribute(value))}" for key, value in attributes.items()
    )
    return f"<{name}{rendered}>{content}</{name}>" if content else f"<{name}{rendered}/>"


def svg_attribute(value: object) -> str:
    return svg_number(value) if isinstance(value, float) else str(value)


def svg_number(value: float) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def svg_points(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{svg_number(x)},{svg_number(y)}" for x, y in points)


def svg_wrap(label: str, width: int, max_lines: int = 2) -> list[str]:
    """Wrap on words; what does not fit on the last line is cut with an ellipsis."""
    lines = textwrap.wrap(label, width) or [""]
    if len(lines) <= max_lines:
        return lines
    rest = " ".join(lines[max_lines - 1 :])
    return [*lines[: max_lines - 1], rest[: width - 1].rstrip() + "…"]
