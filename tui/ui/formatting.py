"""Text helpers for table cells: progress bars, truncation, semantic colours from the theme."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text


def truncate(text: str | None, width: int) -> str:
    """Cut `text` to `width` terminal cells (CJK characters are two cells wide)."""
    if not text:
        return ""
    text = " ".join(text.split())
    if cell_len(text) <= width:
        return text
    out = []
    used = 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def progress_bar(fraction: float | None, width: int = 10, *, at_most: bool = False) -> str:
    """A text progress bar like `██████░░░░  62%` (`≤62%` when the reading is an upper bound)."""
    if fraction is None:
        return "—"
    fraction = max(0.0, min(1.0, fraction))
    filled = round(fraction * width)
    pct = f"{'≤' if at_most else ''}{fraction * 100:.0f}%"
    return f"{'█' * filled}{'░' * (width - filled)} {pct:>5}"


def styled(text: str, color: str | None, *, bold: bool = False, dim: bool = False) -> Text:
    style = " ".join(s for s in ((color or ""), "bold" if bold else "", "dim" if dim else "") if s)
    return Text(text, style=style or "")


def display_path(path: object) -> str:
    """A path as a user reads it: relative to the working directory when inside it, else with ~."""
    from pathlib import Path

    p = Path(str(path))
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve())) if p.is_absolute() else str(p)
    except ValueError:
        home = Path.home()
        try:
            return "~/" + str(p.relative_to(home))
        except ValueError:
            return str(p)


SPARK_CHARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float]) -> str:
    """A one-line sparkline of the values (empty for fewer than two)."""
    if len(values) < 2:
        return ""
    lo, hi = min(values), max(values)
    if hi == lo:
        return SPARK_CHARS[3] * len(values)
    return "".join(SPARK_CHARS[round((v - lo) / (hi - lo) * (len(SPARK_CHARS) - 1))] for v in values)


def signed_return(value: float | None, width: int, up_color: str = "red") -> tuple[str, str]:
    """A return (fraction) right-aligned in ``width`` cells, with the theme style of its sign:
    red up / green down, or the other way round with ``up_color="green"``; unknown and zero
    are unstyled."""
    import math

    from tui.formats import fmt_frac, pad

    text = pad(fmt_frac(value), width, right=True)
    if value is None or not math.isfinite(value) or value == 0:
        return (text, "")
    red = (value > 0) if up_color != "green" else (value < 0)
    return (text, "$error" if red else "$success")
