"""`lsp-codegen stats --html`: the text report and a retention chart in one HTML page.

The page is self-contained: inline CSS and an inline SVG bar chart, no script and no
external asset, so it opens offline and can be attached anywhere. Every piece of text
is escaped.
"""

from __future__ import annotations

from html import escape

from lsp_codegen.stats.retention import ACCEPTED_KINDS, KIND_LABELS, AcceptedKind
from lsp_codegen.stats.summary import Summary, checkpoint_label

# One colour per checkpoint, light to dark: later checkpoints read as "what stayed".
_COLOURS = ("#9ecae1", "#4292c6", "#08519c", "#08306b", "#041a3a")
_BAR, _GAP, _GROUP_GAP = 22, 3, 28
_LEFT, _TOP, _PLOT_HEIGHT, _BOTTOM = 44, 28, 160, 40
_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
    "pre{background:#f6f8fa;padding:1em;overflow:auto}"
    "svg text{font-size:11px;fill:#333}"
)


def html_report(title: str, text: str, summary: Summary) -> str:
    """A standalone HTML page: `title`, the text report `text`, and the retention chart."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>\n"
        f"<h1>lsp-codegen statistics</h1>\n<p>{escape(title)}</p>\n"
        f"<h2>Retention: accepted characters still there</h2>\n{retention_svg(summary)}\n"
        f"<h2>Report</h2>\n<pre>{escape(text)}</pre>\n</body></html>\n"
    )


def retention_svg(summary: Summary) -> str:
    """Grouped bars: one group per kind of item, one bar per checkpoint (0–100 %)."""
    points = summary.checkpoints()
    kinds = [k for k in ACCEPTED_KINDS if k in summary.retention]
    if not points or not kinds:
        return "<p>No retention recorded yet.</p>"
    group = len(points) * (_BAR + _GAP) - _GAP
    width = _LEFT + len(kinds) * (group + _GROUP_GAP) + 8
    height = _TOP + _PLOT_HEIGHT + _BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="retention by kind">',
        *_axis(width),
        *_legend(points),
    ]
    for index, kind in enumerate(kinds):
        x = _LEFT + _GROUP_GAP // 2 + index * (group + _GROUP_GAP)
        parts.extend(_bars(summary, kind, points, x))
        label_y = _TOP + _PLOT_HEIGHT + 16
        label = escape(KIND_LABELS[kind])
        parts.append(
            f'<text x="{x + group / 2:.1f}" y="{label_y}" text-anchor="middle">{label}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _axis(width: int) -> list[str]:
    lines = []
    for percent in (0, 50, 100):
        y = _TOP + _PLOT_HEIGHT * (1 - percent / 100)
        lines.append(
            f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{width - 8}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        lines.append(f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{percent}%</text>')
    return lines


def _legend(points: list[float]) -> list[str]:
    items = []
    for index, seconds in enumerate(points):
        x = _LEFT + index * 80
        colour = _COLOURS[min(index, len(_COLOURS) - 1)]
        items.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{colour}"/>')
        items.append(f'<text x="{x + 14}" y="15">after {escape(checkpoint_label(seconds))}</text>')
    return items


def _bars(summary: Summary, kind: AcceptedKind, points: list[float], x: int) -> list[str]:
    counted = summary.retention[kind]
    bars = []
    for index, seconds in enumerate(points):
        point = counted.checkpoints.get(seconds)
        share = point.share if point is not None else None
        if point is None or share is None:
            continue
        bar_height = _PLOT_HEIGHT * share
        left = x + index * (_BAR + _GAP)
        colour = _COLOURS[min(index, len(_COLOURS) - 1)]
        tip = (
            f"{KIND_LABELS[kind]} after {checkpoint_label(seconds)}: {share:.0%} "
            f"({point.retained_chars} of {point.accepted_chars} characters, "
            f"{point.samples} accepts)"
        )
        bars.append(
            f'<rect x="{left}" y="{_TOP + _PLOT_HEIGHT - bar_height:.1f}" width="{_BAR}" '
            f'height="{bar_height:.1f}" fill="{colour}"><title>{escape(tip)}</title></rect>'
        )
    return bars
