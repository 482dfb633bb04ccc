"""PLOVER JSON records of our events (the ``plover`` export format).

Field names follow the "Data Fields" chapter of the PLOVER manual; see
:func:`plover_record` for the mapping. Extra fields (``cameo_code``,
``goldstein``, ``negated``, ``modality``...) are allowed by the manual ("Providers
should feel free to include named fields beyond those provided here").
"""

from __future__ import annotations

import functools
from importlib import metadata
from typing import Any, Final

from thucydides.ontology import cameo
from thucydides.records import Actor, Event, Location
from thucydides.store.export_gdelt import ArticleFacts, split_actor_code

# PLOVER/Mordecai "resolution": 5 sub-city, 4 city, 3 district, 2 province, 1 country.
_RESOLUTION: Final = {"site": 5, "city": 4, "admin1": 2, "country": 1}


@functools.cache
def _version() -> str:
    try:
        return metadata.version("thucydides")
    except metadata.PackageNotFoundError:
        return "unknown"


def _entity(actor: Actor) -> dict[str, Any]:
    parts = split_actor_code(actor)
    return {
        "code": actor.country or parts.country or parts.known_group or actor.code[:3],
        "sector": parts.types[0] if parts.types else None,
        "other_sectors": list(parts.types[1:]),
        "religion": parts.religions[0] if parts.religions else None,
        "entity_text": actor.text,
        "identifier_text": actor.name,
        "cameo_code": actor.code,
        "start": actor.start,
        "end": actor.end,
    }


def _event_loc(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {
        "resolved_place": location.name,
        "geonameid": location.geonames_id,
        "lat": location.lat,
        "lon": location.lon,
        "country_code": location.country,
        "admin1_code": location.admin1,
        "feature_class": location.feature_class,
        "resolution": _RESOLUTION.get(location.precision),
        "precision": location.precision,
    }


def plover_record(event: Event, facts: ArticleFacts | None = None) -> dict[str, Any] | None:
    """Return the PLOVER JSON record of an event, or None when CAMEO gives it no PLOVER type.

    Field names follow the PLOVER manual's "Data Fields" chapter: ``id``, ``date``,
    ``actor``/``recipient`` (lists of entity objects: ``code`` the ISO3 country or
    international code, ``sector`` the first role code, ``entity_text`` the words,
    ``identifier_text`` the canonical name, plus our ``cameo_code`` and offsets),
    ``event`` (a one-item list), ``mode`` and ``context`` (from the ontology table;
    empty lists where it gives none), ``quad_code``, ``event_text`` (the trigger),
    ``text`` (the sentence), ``text_info`` (sentence number and offsets, trigger
    offsets), ``event_loc``, ``cite_info`` (article id, url, title, publisher,
    language, coder, codebook). Beyond PLOVER: ``cameo_code``, ``cameo_name``,
    ``goldstein``/``goldstein_table``, ``negated``, ``modality``, ``future``.
    """
    if event.plover_type is None:
        return None
    facts = facts or ArticleFacts()
    known = cameo.lookup(event.cameo_code) if cameo.is_valid(event.cameo_code) else None
    evidence = event.evidence
    return {
        "id": event.event_id,
        "date": event.date,
        "actor": [_entity(event.source)],
        "recipient": [_entity(event.target)] if event.target is not None else [],
        "event": [event.plover_type],
        "mode": [known.plover_mode] if known and known.plover_mode else [],
        "context": [known.plover_context] if known and known.plover_context else [],
        "quad_code": event.quad_class,
        "event_text": [evidence.trigger],
        "text": evidence.sentence,
        "text_info": {
            "sequence": event.sentence_index,
            "start": evidence.sentence_start,
            "end": evidence.sentence_end,
            "trigger_start": evidence.start,
            "trigger_end": evidence.end,
        },
        "event_loc": _event_loc(event.location),
        "cite_info": {
            "citation": event.article_id,
            "url": facts.url,
            "title": facts.title,
            "publication": facts.publisher,
            "language": facts.lang,
            "coder": f"thucydides {_version()}",
            "codebook": cameo.TABLE_VERSION,
        },
        "cameo_code": event.cameo_code,
        "cameo_name": event.cameo_name,
        "goldstein": event.goldstein,
        "goldstein_table": event.goldstein_table,
        "negated": event.negated,
        "modality": str(event.modality),
        "future": event.future,
    }
