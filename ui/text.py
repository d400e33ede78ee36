"""Text that people typed or imported, shown as exactly that text.

Streamlit renders markdown in st.markdown, st.caption, st.info/warning/error/success, st.write
of a string, subheaders and widget labels. Text from users and import files (status
explanations, case reasons and notes, school, board and municipality names, display names,
period names) must never be read as markdown there: ``![x](http://…)`` would make every
browser that opens the page fetch an outside image (telling that server who looked at which
youth, and when), ``[x](javascript:…)`` or a bare ``www.…``/``a@b.nl`` would become a link.

:func:`plain` puts a backslash (CommonMark's escape, shown as the character itself) before
exactly the characters that can start markdown or HTML there: ``\ ` * _ [ ] < > | ~ $ & : @``
anywhere (links, images, emphasis, code, HTML tags and entities, tables, strikethrough,
formulas, ``:colour[…]`` directives and icons), and at the start of a line a ``- + = # >`` or
the ``.``/``)`` after leading digits (lists, headings, quotes).

Bare ``https://…``, ``www.…`` and ``a@b.nl`` need more: GFM (remark-gfm in Streamlit) also
finds them in the text *after* parsing, past any escape. An invisible WORD JOINER (U+2060)
after ``http``/``https``/``ftp``, after ``www`` and after ``@`` breaks that match; the text
looks the same (a copy contains the invisible character).
Everything else (hyphens in ``LEA-03``, dots in ``Dhr. J.``) stays as it is, so the text reads
the same in the markdown source. Use it on each interpolated value, never on the whole
f-string (the app's own ``**bold**`` must keep working).
"""
from __future__ import annotations

import math
import re

_ANYWHERE = re.compile(r"([\\`*_\[\]<>|~$&:@])")
_BARE_LINK = re.compile(r"(?i)(\b(?:https?|ftp)(?=:)|\bwww(?=\.)|@)")
WORD_JOINER = "\u2060"
_LIST_NUMBER = re.compile(r"^(\d{1,9})([.)])")
_LINE_MARK = re.compile(r"^([-+=#>])")
_SPACE = re.compile(r"[ \t\f\v\u00a0]+")


def _as_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover - pandas is a dependency of the app
        pass
    return str(value)


def plain(value: object, *, multiline: bool = False) -> str:
    """``value`` as literal text for use inside markdown (captions, alerts, labels).

    One line by default: line breaks become spaces, so a value cannot start a heading, list or
    code block of its own. ``multiline=True`` keeps its lines, each as a markdown hard break.
    None and missing values (NaN, pd.NA) give ''.
    """
    text = _as_text(value).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    lines = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    escaped = []
    for line in lines:
        line = _ANYWHERE.sub(r"\\\1", _BARE_LINK.sub(r"\1" + WORD_JOINER, line))
        escaped.append(_LINE_MARK.sub(r"\\\1", _LIST_NUMBER.sub(r"\1\\\2", line)))
    if multiline:
        return "  \n".join(escaped).strip()
    return " ".join(line for line in escaped if line)
