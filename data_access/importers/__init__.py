"""File import: parse → validate → write in one transaction (see run.run_import).

Kinds and their columns: :mod:`kinds`; reading CSV/Excel: :mod:`reading`; checks and the
Dutch error report: :mod:`validate`; writing and idempotency: :mod:`write`; the code table:
:mod:`codes`; templates: :mod:`templates`; ``lea import``: :mod:`cli`.
"""
from data_access.importers.kinds import KINDS, get_kind
from data_access.importers.run import ImportResult, run_import
from data_access.importers.validate import Problem
from data_access.importers.write import Options

__all__ = ["KINDS", "ImportResult", "Options", "Problem", "get_kind", "run_import"]
