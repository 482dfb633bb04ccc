"""The CAMEO and PLOVER ontologies: versioned code tables and the rules derived from them.

Everything here is read from one packaged table (``ontology/data/cameo_codes.csv``),
named by :data:`TABLE_VERSION` so that coded data can say which table it used.
"""

from __future__ import annotations

from thucydides.ontology.cameo import (
    GOLDSTEIN_TABLES,
    PLOVER_TYPES,
    QUAD_CLASS_SCHEMES,
    TABLE_VERSION,
    CameoCode,
    GoldsteinWeights,
    all_codes,
    goldstein,
    is_valid,
    lookup,
    normalize_plover,
    plover_type,
    quad_class,
)

__all__ = [
    "GOLDSTEIN_TABLES",
    "PLOVER_TYPES",
    "QUAD_CLASS_SCHEMES",
    "TABLE_VERSION",
    "CameoCode",
    "GoldsteinWeights",
    "all_codes",
    "goldstein",
    "is_valid",
    "lookup",
    "normalize_plover",
    "plover_type",
    "quad_class",
]
