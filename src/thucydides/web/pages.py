"""The dashboard's HTML pages, rendered with Jinja2 (autoescaped) from the served snapshot.

The pages hold no inline script or style (the Content Security Policy forbids
them): the dashboard and map fill themselves from the JSON API with the scripts
in ``static/``; the article page is rendered whole on the server, its marks
included, so it reads without JavaScript.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from thucydides.analysis.query import read_rows
from thucydides.ontology import GOLDSTEIN_TABLES, all_codes
from thucydides.store import EventStore
from thucydides.web.api import ARTICLE_ID, StoreLease, load_article
from thucydides.web.marks import article_marks, runs

__all__ = ["pages"]

pages = APIRouter(include_in_schema=False)

QUAD_CLASSES: Final = {
    1: "1 verbal cooperation",
    2: "2 material cooperation",
    3: "3 verbal conflict",
    4: "4 material conflict",
}


def _render(request: Request, template: str, context: dict[str, Any]) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    response: HTMLResponse = templates.TemplateResponse(request, template, context)
    return response


def _counts(store: EventStore) -> dict[str, int]:
    [(articles, events)] = read_rows(
        store, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events)"
    )
    return {"articles": int(articles), "events": int(events)}


def _filters() -> dict[str, Any]:
    roots = [(c.code, c.name) for c in all_codes() if c.level == 0]
    return {"roots": roots, "quad_classes": QUAD_CLASSES}


@pages.get("/", response_class=HTMLResponse)
def dashboard(request: Request, store: StoreLease) -> HTMLResponse:
    """Show the dyad picker and chart, the filters and the events table."""
    context = {
        "counts": _counts(store),
        "scales": GOLDSTEIN_TABLES,
        "freqs": ("day", "week", "month", "year"),
        **_filters(),
    }
    return _render(request, "dashboard.html", context)


@pages.get("/map", response_class=HTMLResponse)
def event_map(request: Request) -> HTMLResponse:
    """Show where events happened on a world map."""
    return _render(request, "map.html", _filters())


@pages.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(
    request: Request, store: StoreLease, article_id: Annotated[str, Path(pattern=ARTICLE_ID)]
) -> HTMLResponse:
    """Show one article with its events and quotes marked in the text."""
    article = load_article(store, article_id)
    marks = article_marks(article.events, article.quotes)
    context = {
        "article": article,
        "runs": runs(article.text, marks),
        "quad_classes": QUAD_CLASSES,
    }
    return _render(request, "article.html", context)


@pages.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Show the API reference, read from the app's own OpenAPI schema."""
    schema = request.app.openapi()
    endpoints = []
    for path, methods in schema.get("paths", {}).items():
        for method, spec in methods.items():
            parameters = [
                {
                    "name": p["name"],
                    "where": p["in"],
                    "required": p.get("required", False),
                    "type": _type_of(p.get("schema", {})),
                    "description": p.get("description", ""),
                }
                for p in spec.get("parameters", [])
            ]
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": spec.get("summary", ""),
                    "description": spec.get("description", ""),
                    "parameters": parameters,
                }
            )
    return _render(request, "docs.html", {"endpoints": endpoints})


def _type_of(schema: dict[str, Any]) -> str:
    """Describe a parameter's JSON schema in a few words (type, bounds, pattern, choices)."""
    options = schema.get("anyOf")
    if options:
        kinds = [_type_of(o) for o in options if o.get("type") != "null"]
        return " or ".join(kinds)
    words = [schema.get("format") or schema.get("type", "value")]
    if "enum" in schema:
        words = ["one of " + ", ".join(str(v) for v in schema["enum"])]
    if "minimum" in schema or "maximum" in schema:
        words.append(f"{schema.get('minimum', '')}–{schema.get('maximum', '')}")
    if "pattern" in schema:
        words.append(f"matching {schema['pattern']}")
    if "maxLength" in schema:
        words.append(f"≤ {schema['maxLength']} chars")
    return " ".join(str(w) for w in words)
