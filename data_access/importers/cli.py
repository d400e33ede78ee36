"""`lea import …` (filled in by the import issue)."""


def register(sub, common) -> None:
    pass
