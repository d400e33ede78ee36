"""The house style of every chart: readable text and Dutch numbers, as one Altair theme.

Registered and enabled on import (``ui/__init__.py`` imports it), so every chart the app draws or
offers as a download carries it; a chart's own settings still win. Text is Streamlit's body colour
(#31333F, contrast 12,6 : 1 on white): Vega's default grey axis labels reach about 3,7 : 1, below
the 4,5 : 1 that WCAG asks for normal text.
"""
from __future__ import annotations

import altair as alt

from ui.format import VEGA_LOCALE

TEXT = "#31333F"
BACKGROUND = "#FFFFFF"
NAME = "lea"


@alt.theme.register(NAME, enable=True)
def lea_theme() -> alt.theme.ThemeConfig:
    return alt.theme.ThemeConfig({"config": {
        "locale": VEGA_LOCALE,
        "axis": {"labelColor": TEXT, "titleColor": TEXT, "tickColor": TEXT, "domainColor": TEXT},
        "legend": {"labelColor": TEXT, "titleColor": TEXT},
        "title": {"color": TEXT, "subtitleColor": TEXT},
        "header": {"labelColor": TEXT, "titleColor": TEXT},
        "text": {"color": TEXT},
    }})


def contrast(foreground: str, background: str = BACKGROUND) -> float:
    """The WCAG contrast ratio of two #RRGGBB colours (1 … 21)."""
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
