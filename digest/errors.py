"""The exceptions digest raises on purpose.

The CLI turns every `DigestError` into one line on stderr and a non-zero exit; anything else is a bug.
"""

from __future__ import annotations


class DigestError(Exception):
    """Base class: a problem the user can act on. The message says what to do."""

    exit_code = 1


class InputError(DigestError):
    """An input cannot be read or understood (a missing path, an undecodable file...)."""


class ConfigError(DigestError):
    """The options file or a flag is wrong."""

    exit_code = 2


class OutputError(DigestError):
    """An output cannot be written where it was asked for."""


class ModelError(DigestError):
    """A translation model cannot be installed or loaded."""


class DeliveryError(DigestError):
    """The email could not be built or sent."""
