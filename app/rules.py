"""A domain rule's verdict, shared by every write path (the API, the console, the importer).

Each domain keeps its rules as public functions in its ``rules`` module
(:mod:`app.organizations.rules`, :mod:`app.profiles.rules`, :mod:`app.needs.rules`) that
return a :class:`RuleProblem` or ``None``. The services raise it (:func:`enforce`); the
importer reports it on the row, in its own column names, with the same message.
"""

from dataclasses import dataclass

from app.errors import Conflict, InvalidInput
from app.messages import Text


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """Why a record breaks a rule: the field (as the API names it, without ``body.``), the
    message, and whether it conflicts with the stored record (409) rather than being bad
    input (422)."""

    field: str
    message: Text
    conflict: bool = False


def enforce(problem: RuleProblem | None) -> None:
    """Raise ``problem`` as the API's error (422 naming ``body.<field>``, or 409); None passes."""
    if problem is None:
        return
    if problem.conflict:
        raise Conflict(problem.message)
    raise InvalidInput(f"body.{problem.field}", problem.message)
