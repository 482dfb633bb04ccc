"""Run the command line with ``python -m thucydides``."""

from thucydides.cli import app

app()
