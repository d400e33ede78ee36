"""Streamlit fills in English where a widget is not told otherwise ("Choose options", "Choose an
option", "YYYY/MM/DD", "Limit 200MB per file"). Every widget call in the product says it itself."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*ROOT.glob("ui/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"])


def widget_calls(name: str):
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name:
                yield f"{path.relative_to(ROOT)}:{node.lineno}", {k.arg: k.value for k in node.keywords}


def test_every_multiselect_has_a_dutch_placeholder():
    assert [where for where, kw in widget_calls("multiselect") if "placeholder" not in kw] == []


def test_every_selectbox_without_a_preselection_has_a_dutch_placeholder():
    empty = [(where, kw) for where, kw in widget_calls("selectbox")
             if isinstance(kw.get("index"), ast.Constant) and kw["index"].value is None]
    assert empty and [where for where, kw in empty if "placeholder" not in kw] == []


def test_every_date_input_shows_dd_mm_yyyy():
    calls = list(widget_calls("date_input"))
    assert calls and [where for where, kw in calls
                      if not (isinstance(kw.get("format"), ast.Constant) and kw["format"].value == "DD-MM-YYYY")] == []


def test_every_file_uploader_sets_its_own_limit():
    calls = list(widget_calls("file_uploader"))
    assert calls and [where for where, kw in calls if "max_upload_size" not in kw] == []
