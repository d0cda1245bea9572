"""The exceptions hydrawatch raises.

    HydrawatchError                 root: every error the CLI reports without a traceback
    ├── ConfigError                 bad settings, unknown database URL
    ├── InputError                  bad input: names the file and line
    │   ├── FormatError             a file whose format cannot be detected
    │   └── RecordError             one bad record (malformed JSON, wrong type, missing id, unknown kind)
    ├── PolicyError                 an invalid policy pack or verification-rule file
    ├── NotFound                    an account, case, user... that does not exist
    └── PermissionDenied            an action the actor's role or the rule forbids
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
    pass
