"""Charts drawn on the server as SVG markup (no JavaScript, nothing from the network): the page shows them inline.

Each chart takes plain values (label, number, link) and returns safe markup; a bar with a link opens the rows
behind it. Labels are escaped; numbers use the Vietnamese formats of ``core.formats``. Colours and sizes are SVG
attributes (the Content-Security-Policy allows no inline CSS)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from dangbo.core.formats import so

BAR = "#b3261e"  # the party red of app.css
BAR_2 = "#6b7280"
TEXT = "#1f2937"


def _link(url: str | None, inner: str) -> str:
    return f'<a href="{escape(url)}">{inner}</a>' if url else inner


def hbars(items: list[tuple[str, int, str | None]], *, title: str, width: int = 560) -> SafeString:
    """Horizontal bars, one per (label, value, url); the value is written after the bar."""
    if not items:
        return mark_safe("")
    label_w, row_h, value_w = 190, 26, 70
    top = max((v for _, v, _ in items), default=0) or 1
    bar_w = width - label_w - value_w
    height = row_h * len(items) + 8
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]  # fmt: skip
    for i, (label, value, url) in enumerate(items):
        y = 4 + i * row_h
        w = round(bar_w * value / top) if value else 0
        bar = (f'<rect x="{label_w}" y="{y + 4}" width="{max(w, 1)}" height="{row_h - 10}" fill="{BAR}"/>'
               f'<text x="{label_w + max(w, 1) + 6}" y="{y + row_h - 9}" font-size="13" fill="{TEXT}">{so(value)}</text>')  # fmt: skip
        parts.append(f'<text x="{label_w - 8}" y="{y + row_h - 9}" font-size="13" text-anchor="end" fill="{TEXT}">'
                     f"{escape(label)}</text>{_link(url, bar)}")  # fmt: skip
    parts.append("</svg>")
    return mark_safe("".join(parts))


def columns(items: list[tuple[str, int | None, str | None]], *, title: str, width: int = 560,
            height: int = 200) -> SafeString:  # fmt: skip
    """Vertical columns over a time axis (label under each column; None: no data, drawn as a dash)."""
    if not items:
        return mark_safe("")
    values = [v for _, v, _ in items if v is not None]
    top = max(values, default=0) or 1
    low = min(values, default=0)
    floor = (
        max(0, low - (top - low) * 0.5) if top > low else 0
    )  # the columns show the change, not only the level
    base_y, plot_h = height - 24, height - 48
    step = width / len(items)
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>",
             f'<line x1="0" y1="{base_y}" x2="{width}" y2="{base_y}" stroke="{BAR_2}" stroke-width="1"/>']  # fmt: skip
    for i, (label, value, url) in enumerate(items):
        x = i * step + step * 0.15
        w = step * 0.7
        cx = i * step + step / 2
        parts.append(f'<text x="{cx:.1f}" y="{height - 6}" font-size="11" text-anchor="middle" fill="{TEXT}">'
                     f"{escape(label)}</text>")  # fmt: skip
        if value is None:
            parts.append(
                f'<text x="{cx:.1f}" y="{base_y - 6}" font-size="12" text-anchor="middle" fill="{BAR_2}">—</text>'
            )
            continue
        h = max(2, round(plot_h * (value - floor) / (top - floor))) if top > floor else 2
        col = (f'<rect x="{x:.1f}" y="{base_y - h}" width="{w:.1f}" height="{h}" fill="{BAR}"><title>{escape(label)}: '
               f'{so(value)}</title></rect>'
               f'<text x="{cx:.1f}" y="{base_y - h - 4}" font-size="10" text-anchor="middle" fill="{TEXT}">{so(value)}</text>')  # fmt: skip
        parts.append(_link(url, col))
    parts.append("</svg>")
    return mark_safe("".join(parts))
