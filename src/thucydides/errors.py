"""The one exception tree of Thucydides.

::

    ThucydidesError                 base: catch this to catch everything we raise
    ├── ConfigError                 a setting or option has a value we cannot use
    ├── ModelNotFoundError          the spaCy pipeline named is not installed
    ├── DataFileError               a lexicon, table or dictionary file is malformed
    ├── InputError                  an input cannot be read at all (missing path, bad format)
    └── StoreError                  the event database cannot be opened or written

Bad *documents* are not exceptions: they become :class:`thucydides.records.Rejection`
records, so that one bad article never kills a batch. Exceptions are for conditions
the user must fix before anything can run. Every message says what went wrong, the
offending value, and how to fix it.
"""

from __future__ import annotations


class ThucydidesError(Exception):
    """Base class for every error Thucydides raises on purpose."""


class ConfigError(ThucydidesError):
    """A setting or command-line option has a value that cannot be used."""


class ModelNotFoundError(ThucydidesError):
    """The requested spaCy pipeline is not installed."""


class DataFileError(ThucydidesError):
    """A data file (lexicon, table, actor dictionary) is missing or malformed."""


class InputError(ThucydidesError):
    """An input path or stream cannot be read at all."""


class StoreError(ThucydidesError):
    """The event database cannot be opened, created or written."""
