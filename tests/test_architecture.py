"""The rules of the code's layout, checked on the source (issue 14, "a house that shows its rooms").

- pages/ only call loaders: no SQL text, no SQLAlchemy query building, no ``execute``.
- Audit rows are written only by data_access/audit.py.
- No import cycle among the modules of data_access/ and ui/, also not through imports inside
  functions (those only hide a cycle until the function runs).
- data_access/queries/* do not import the summary builder (data_access.aggregates).
- Migrations import no live app code (only alembic, sqlalchemy and the standard library): a
  migration must keep doing what it did when it was written.
- The models (data_access.models, with audit.AUDIT_PUPIL) and the migrated schema agree, on
  SQLite and on PostgreSQL.
- No tests/test_*.py module imports another one: what tests share lives in tests/fixtures (or
  conftest.py), so a test module can change without breaking another.

Where a rule is not met yet, the violations are listed here by name (KNOWN_…) and reported in the
issue. The test fails on any violation not in the list, and also when a listed one is gone, so
that the list only shrinks.
"""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData

from data_access import audit
from data_access.db import make_engine
from data_access.models import Base
from data_access.schema import migrate

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "data_access" / "migrations" / "versions"

# Query modules that still take SQL helpers (week/month/school-year expressions, the staleness
# check of contact_segment) from the summary builder.
KNOWN_QUERIES_IMPORTING_AGGREGATES: set[str] = set()


# --- reading the source ---------------------------------------------------------------------


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def app_modules(*packages: str) -> dict[str, Path]:
    """Module name → file, for the packages' modules (migrations excluded: they are the schema's
    history, not the app)."""
    found = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                found[module_name(path)] = path
    return found


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported_names(module: str, path: Path, tree: ast.AST, known: set[str],
                   top_level_only: bool) -> set[str]:
    """The modules of ``known`` that ``module`` imports. ``from a import b`` is the module a.b when
    that is a module, else a. With ``top_level_only``, imports inside functions and classes and
    under ``if TYPE_CHECKING`` are left out (they do not run when the module is imported)."""
    is_package = path.name == "__init__.py"
    nodes: list[ast.AST] = []
    todo = list(ast.iter_child_nodes(tree))
    while todo:
        node = todo.pop()
        if top_level_only and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if top_level_only and isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        nodes.append(node)
        todo.extend(ast.iter_child_nodes(node))
    out = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names if alias.name in known}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[:len(package) - (node.level - 1)]
                base = ".".join(package + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    out.add(f"{base}.{alias.name}")
                elif base in known:
                    out.add(base)
    out.discard(module)
    return out


def import_graph(top_level_only: bool) -> dict[str, set[str]]:
    modules = app_modules("data_access", "ui")
    known = set(modules)
    return {name: imported_names(name, path, parse(path), known, top_level_only)
            for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected sets of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.add(other)
                if other == node:
                    break
            if len(component) > 1:
                found.add(frozenset(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph) + 100))
    try:
        for node in graph:
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return found


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


SQL = re.compile(r"\bselect\b[\s\S]+\bfrom\b|\binsert\s+into\b|\bupdate\s+\w+\s+set\b|\bdelete\s+from\b"
                 r"|\bcreate\s+(?:temporary\s+)?(?:table|index)\b", re.IGNORECASE)


def string_constants(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node


# --- the checker finds what it should (on small snippets) --------------------------------------


def test_the_import_graph_sees_cycles_through_imports_inside_functions():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == {frozenset({"a", "b", "c"})}
    assert cycles({"a": {"b"}, "b": set()}) == set()

    tree = ast.parse("import x.y\nfrom . import z\ndef f():\n    from x import w\n")
    known = {"x.y", "x.z", "x.w", "x"}
    assert imported_names("x.m", Path("x/m.py"), tree, known, top_level_only=False) == {"x.y", "x.z", "x.w"}
    assert imported_names("x.m", Path("x/m.py"), tree, known, top_level_only=True) == {"x.y", "x.z"}


def test_the_sql_pattern_finds_sql_and_leaves_dutch_text_alone():
    assert SQL.search("SELECT id FROM pupil WHERE pseudonym = :p")
    assert SQL.search("insert into audit_event (action) values ('x')")
    assert SQL.search("UPDATE setting SET value = 1")
    assert not SQL.search("Selecteer een school uit de lijst")
    assert not SQL.search("Kies een periode; de tabel toont de scholen")


# --- the rules --------------------------------------------------------------------------------


def test_pages_only_call_loaders():
    problems = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        tree = parse(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "sqlalchemy" or (node.module.startswith("sqlalchemy.")
                                                   and node.module != "sqlalchemy.exc"):
                    problems.append(f"{where(path, node)} imports {node.module} (only sqlalchemy.exc may be caught)")
                if node.module == "data_access.models":
                    problems.append(f"{where(path, node)} imports the models (read through a loader)")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "sqlalchemy" or alias.name == "data_access.models":
                        problems.append(f"{where(path, node)} imports {alias.name}")
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("execute", "exec_driver_sql", "scalar", "scalars")):
                problems.append(f"{where(path, node)} runs a statement ({node.func.attr})")
        for node in string_constants(tree):
            if SQL.search(node.value):
                problems.append(f"{where(path, node)} holds SQL text: {node.value[:60]!r}")
    assert problems == []


AUDIT_TABLES = re.compile(r"\b(AuditEvent|AUDIT_PUPIL|audit_event|audit_pupil)\b")
AUDIT_SQL = re.compile(r"\b(insert\s+into|update|delete\s+from|copy)\s+\"?(audit_event|audit_pupil)\b",
                       re.IGNORECASE)
WRITES = {"insert", "update", "delete", "add", "add_all", "merge", "bulk_insert_mappings", "insert_rows",
          "copy", "copy_expert"}


def audit_writes(path: Path, tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            target = ast.unparse(node.func.value) if isinstance(node.func, ast.Attribute) else ""
            arguments = " ".join(ast.unparse(a) for a in [*node.args, *node.keywords])
            if name == "AuditEvent":
                found.append(f"{where(path, node)} makes an AuditEvent row")
            elif name in WRITES and (AUDIT_TABLES.search(arguments) or AUDIT_TABLES.search(target)):
                found.append(f"{where(path, node)} {name} on an audit table")
    for node in string_constants(tree):
        if AUDIT_SQL.search(node.value):
            found.append(f"{where(path, node)} SQL that writes an audit table")
    return found


def test_the_audit_checker_finds_writes():
    tree = ast.parse("conn.execute(insert(AuditEvent).values(action='x'))\n"
                     "conn.execute(AUDIT_PUPIL.insert(), rows)\n"
                     "session.add(AuditEvent(action='x'))\n"
                     "conn.execute(text('INSERT INTO audit_event (action) VALUES (:a)'))\n"
                     "conn.execute(select(AuditEvent.id))\n")
    flagged = {int(found.split(" ", 1)[0].rsplit(":", 1)[1]) for found in audit_writes(ROOT / "x.py", tree)}
    assert flagged == {1, 2, 3, 4}  # every write, and not the read on line 5


def test_audit_rows_are_written_only_by_the_audit_module():
    modules = app_modules("data_access", "ui", "pages")
    modules["app"] = ROOT / "app.py"
    problems = []
    for name, path in modules.items():
        if name != "data_access.audit":
            problems += audit_writes(path, parse(path))
    assert problems == []


def test_no_import_cycle_at_import_time():
    assert cycles(import_graph(top_level_only=True)) == set()


def test_no_import_cycle_through_imports_inside_functions():
    assert sorted(sorted(c) for c in cycles(import_graph(top_level_only=False))) == []


def test_queries_do_not_import_the_summary_builder():
    graph = import_graph(top_level_only=False)
    importing = {name for name, imported in graph.items()
                 if name.startswith("data_access.queries.") and "data_access.aggregates" in imported}
    assert sorted(importing - KNOWN_QUERIES_IMPORTING_AGGREGATES) == [], "new import of data_access.aggregates"
    assert sorted(KNOWN_QUERIES_IMPORTING_AGGREGATES - importing) == [], \
        "fixed: remove from KNOWN_QUERIES_IMPORTING_AGGREGATES"


def test_migrations_import_only_alembic_sqlalchemy_and_the_standard_library():
    allowed = {"alembic", "sqlalchemy", "__future__"} | set(sys.stdlib_module_names)
    problems = []
    versions = sorted(MIGRATIONS.glob("*.py"))
    assert versions, "no migrations found"
    for path in versions:
        for node in ast.walk(parse(path)):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else ["." * node.level + (node.module or "")] if isinstance(node, ast.ImportFrom) else [])
            problems += [f"{where(path, node)} imports {name}" for name in names
                         if name.split(".")[0] not in allowed]
    assert problems == []


def imported_test_modules(tree: ast.AST, test_modules: set[str]) -> set[str]:
    """The modules of ``test_modules`` (bare names, ``test_x``) that ``tree`` imports, in any form:
    ``import test_x``, ``from test_x import y``, ``from tests.test_x import y``, ``from . import
    test_x``, ``importlib.import_module("test_x")``."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] + [f"{node.module or ''}.{alias.name}" for alias in node.names]
        elif (isinstance(node, ast.Call) and ast.unparse(node.func).endswith("import_module") and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names = [node.args[0].value]
        else:
            continue
        found |= {part for name in names for part in name.split(".") if part in test_modules}
    return found


def test_the_test_import_checker_finds_every_form():
    known = {"test_a", "test_b", "test_c", "test_d", "test_e"}
    tree = ast.parse("import test_a\nfrom test_b import x\nfrom tests.test_c import y\nfrom . import test_d\n"
                     "import importlib\nimportlib.import_module('test_e')\n"
                     "from fixtures.schools import build_fixture\nfrom conftest import wait_ready\n")
    assert imported_test_modules(tree, known) == known
    assert imported_test_modules(ast.parse("from fixtures import status\nimport pytest\n"), known) == set()


def test_no_test_module_imports_another():
    tests = ROOT / "tests"
    test_modules = {path.stem for path in tests.glob("test_*.py")}
    problems = [f"{path.relative_to(ROOT)} imports {sorted(found)}"
                for path in sorted(tests.rglob("*.py"))
                if (found := imported_test_modules(parse(path), test_modules) - {path.stem})]
    assert problems == []


# --- the models and the migrated schema agree --------------------------------------------------


def model_metadata() -> MetaData:
    """Every table the app declares: models.Base and the audit trail kept out of it on purpose."""
    metadata = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(metadata)
    audit.AUDIT_PUPIL.to_metadata(metadata)
    return metadata


def schema_differences(engine) -> list:
    """Alembic's own comparison (what ``alembic revision --autogenerate`` would write): tables,
    columns and their types and nullability, indexes, unique constraints and foreign keys."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, model_metadata())


def test_the_comparison_notices_a_column_the_migrations_lack(engine):
    metadata = model_metadata()
    from sqlalchemy import Column, Integer

    metadata.tables["school"].append_column(Column("not_migrated", Integer))
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [(d[0], d[2], d[3].name) for d in differences] == [("add_column", "school", "not_migrated")]


def test_the_models_and_the_migrated_schema_agree_on_sqlite(engine):
    assert schema_differences(engine) == []


def test_the_models_and_the_migrated_schema_agree_on_postgresql(pg_url):
    engine = make_engine(pg_url, create=True)
    try:
        migrate(engine)
        assert schema_differences(engine) == []
    finally:
        engine.dispose()
