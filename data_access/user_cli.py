"""`lea user …` (filled in by the login issue)."""


def register(sub, common) -> None:
    pass
