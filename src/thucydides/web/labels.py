"""Say what an actor code stands for where people read it: the dashboard, the API and the CLI.

Codes are shown as they are stored, except CAMEO's unidentified actor ``---`` (the
source of "a roadside bombing killed ..."), which reads as "unidentified" with the
code beside it, since three dashes alone look like a missing value.
"""

from __future__ import annotations

from typing import Final

from thucydides.records import UNIDENTIFIED

__all__ = ["UNIDENTIFIED_LABEL", "actor_name", "is_unidentified"]

#: How the unidentified actor ``---`` is named to people.
UNIDENTIFIED_LABEL: Final = "unidentified"


def is_unidentified(code: str | None) -> bool:
    """Return whether ``code`` is CAMEO's unidentified actor ``---``."""
    return code == UNIDENTIFIED


def actor_name(code: str | None, name: str | None) -> str | None:
    """Return the name to show for an actor: ``name``, or "unidentified" for ``---`` without one."""
    if not name and is_unidentified(code):
        return UNIDENTIFIED_LABEL
    return name
