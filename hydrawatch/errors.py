"""The exceptions hydrawatch raises.

    HydrawatchError                 root: every error the CLI reports without a traceback
    ├── ConfigError                 bad settings, unknown database URL
    ├── StoreError                  the database cannot be reached, or failed (password redacted)
    ├── InputError                  bad input: names the file and line
    │   ├── FormatError             a file whose format cannot be detected
    │   └── RecordError             one bad record (malformed JSON, wrong type, missing id, unknown kind)
    ├── PolicyError                 an invalid policy pack or verification-rule file
    ├── NotFound                    an account, case, user... that does not exist
    ├── PermissionDenied            an action the actor's role or the rule forbids (audited)
    ├── IllegalTransition           a case move the state machine does not allow
    ├── RateLimited                 too many requests of one kind (appeals)
    └── StoreBusy                   a lock on the database could not be had in time
"""

from __future__ import annotations


class HydrawatchError(Exception):
    """Root of every error hydrawatch reports to the user."""


class ConfigError(HydrawatchError):
    pass


MAX_QUOTE = 60  # characters of a value quoted in a message
MAX_REASON = 200  # characters of an input error's reason: no value is ever quoted longer


def quote(value, limit: int = MAX_QUOTE) -> str:
    """``repr(value)`` for a message, cut to ``limit`` characters: input values are hostile
    and may be megabytes long."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + f"... ({len(value):,} characters)"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


class StoreError(HydrawatchError):
    """The database could not be reached or failed an operation. Messages never hold a
    database password (``store.db.redact``)."""


class InputError(HydrawatchError):
    """Bad input. ``path`` and ``line`` (1-based) say where, when known. The reason is cut
    to ``MAX_REASON`` characters, so no message can quote a long value whole."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        message = str(message)
        if len(message) > MAX_REASON:
            message = message[:MAX_REASON] + "..."
        self.reason = message
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)


class FormatError(InputError):
    pass


class RecordError(InputError):
    pass


class PolicyError(HydrawatchError):
    pass


class NotFound(HydrawatchError):
    pass


class PermissionDenied(HydrawatchError):
    """A refused action. ``actor`` (who asked), ``action`` (what, e.g. ``review.vote``) and
    ``object_type``/``object_id`` are what the audit log records about the refusal: a
    PermissionDenied leaving ``Store.session()`` is audited after the rollback."""

    def __init__(self, message: str, *, actor: str | None = None, action: str | None = None,
                 object_type: str | None = None, object_id: object = None):
        super().__init__(message)
        self.actor = actor
        self.action = action
        self.object_type = object_type
        self.object_id = object_id
        self.audited = False


class IllegalTransition(HydrawatchError):
    """A case move that ``hydrawatch.verification.states.TRANSITIONS`` does not allow.
    ``from_state``, ``to_state`` and ``allowed`` (the moves that are) say which."""

    def __init__(self, case_id: int | None, from_state: str, to_state: str, allowed=()):
        self.case_id = case_id
        self.from_state = str(from_state)
        self.to_state = str(to_state)
        self.allowed = tuple(str(a) for a in allowed)
        moves = (f"from {self.from_state} it may move to: {', '.join(self.allowed)}"
                 if self.allowed else f"{self.from_state} is final")
        super().__init__(f"case {case_id} cannot move from {self.from_state} to "
                         f"{self.to_state}; {moves}")


class RateLimited(HydrawatchError):
    pass


class StoreBusy(HydrawatchError):
    """The database stayed locked by another writer past the busy timeout and retries."""
