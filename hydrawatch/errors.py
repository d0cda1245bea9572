"""The exceptions hydrawatch raises.

    HydrawatchError                 root: every error the CLI reports without a traceback
    ├── ConfigError                 bad settings, unknown database URL
    ├── InputError                  bad input: names the file and line
    │   ├── FormatError             a file whose format cannot be detected
    │   └── RecordError             one bad record (malformed JSON, wrong type, missing id, unknown kind)
    ├── PolicyError                 an invalid policy pack or verification-rule file
    ├── NotFound                    an account, case, user... that does not exist
    ├── PermissionDenied            an action the actor's role or the rule forbids (audited)
    ├── RateLimited                 too many requests of one kind (appeals)
    └── StoreBusy                   a lock on the database could not be had in time
"""

from __future__ import annotations


class HydrawatchError(Exception):
    """Root of every error hydrawatch reports to the user."""


class ConfigError(HydrawatchError):
    pass


class InputError(HydrawatchError):
    """Bad input. ``path`` and ``line`` (1-based) say where, when known."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
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


class RateLimited(HydrawatchError):
    pass


class StoreBusy(HydrawatchError):
    """The database stayed locked by another writer past the busy timeout and retries."""
