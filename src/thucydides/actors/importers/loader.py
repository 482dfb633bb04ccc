"""Hold the per-file state of an import: the knowledge base being layered onto, and tallies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from thucydides.actors.knowledge import KnowledgeBase, KnownActor, Tenure

MAX_PROBLEMS = 20


@dataclass
class Loader:
    """Per-file state: the knowledge base being layered onto, and the tallies."""

    kb: KnowledgeBase
    origin: str
    entries: int = 0
    names: int = 0
    tenures: int = 0
    roles: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)

    def problem(self, line: int, message: str) -> None:
        self.skipped += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(f"line {line}: {message}")

    def add_name(self, surfaces: Iterable[str], actor: KnownActor, *, new_only: bool) -> None:
        for surface in surfaces:
            known = self.kb.names.get(surface)
            if known is None or not (new_only or known.code == actor.code):
                self.kb.names[surface] = actor
                self.names += 1

    def add_tenure(self, surfaces: Iterable[str], tenure: Tenure) -> None:
        """Index a term; the first time this file names a surface, earlier terms are dropped."""
        for surface in surfaces:
            if surface not in self.touched:
                self.touched.add(surface)
                self.kb.tenures[surface] = []
            self.kb.add_tenure(surface, tenure)
        self.tenures += 1

    def country_of(self, code: str) -> str | None:
        known = self.kb.countries.get(code[:3])
        return known.country if known is not None else None
