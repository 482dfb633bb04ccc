"""Measure toponym resolution against our hand-annotated BBC politics toponyms.

Usage: python benchmarks/geoparse.py

The gold file tests/data/places_bbc_gold.csv holds offsets and coordinates only;
the articles are read from ../shared/corpora/bbc-news/train.csv (research data
beside the checkout). Every toponym of each annotated article is in the gold, so
predictions that overlap no gold toponym are false positives. Printed:

- recall: gold toponyms overlapped by a predicted place (and with exact offsets);
- accuracy within 161 km (100 miles, the field's usual threshold), of the found
  toponyms and of all of them, also for the toponyms below country level and for
  those resolved to GeoNames cities (countries, regions and counties carry the same
  reference points in the gold as in places.csv, so for them distance only checks
  that the right one was chosen);
- correct-country rate of the found toponyms whose gold has a country;
- precision of the predicted places in the annotated articles;
- speed: places per second and the time per article on top of spaCy parsing,
  over every politics article of the corpus.

tests/test_places.py runs :func:`measure` and pins floors under its figures.
"""

from __future__ import annotations

import csv
import math
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from thucydides.context.places import PlaceResolver
from thucydides.nlp import load_pipeline
from thucydides.records import Place
from thucydides.segment import segment
from thucydides.tables import read_table

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "bbc-news" / "train.csv"
GOLD = ROOT / "tests" / "data" / "places_bbc_gold.csv"
THRESHOLD_KM = 161.0


@dataclass(frozen=True, slots=True)
class Gold:
    """One annotated toponym."""

    row: int
    start: int
    end: int
    surface: str
    country: str | None
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Figures:
    """What :func:`measure` found."""

    gold: int
    articles: int
    found: int
    exact: int
    within: int  # found and within THRESHOLD_KM
    local_gold: int  # gold below country level (not a country's reference point)
    local_within: int
    geonames_found: int  # found and resolved to a GeoNames city: coordinates not ours
    geonames_within: int
    country_checked: int
    country_right: int
    predicted: int
    false_positives: int

    @property
    def recall(self) -> float:
        return self.found / self.gold

    @property
    def accuracy_found(self) -> float:
        return self.within / self.found if self.found else 0.0

    @property
    def accuracy_all(self) -> float:
        return self.within / self.gold

    @property
    def accuracy_local(self) -> float:
        return self.local_within / self.local_gold if self.local_gold else 0.0

    @property
    def country_rate(self) -> float:
        return self.country_right / self.country_checked if self.country_checked else 0.0

    @property
    def precision(self) -> float:
        return 1 - self.false_positives / self.predicted if self.predicted else 0.0


def politics_texts(corpus: Path = CORPUS) -> list[str]:
    """Return the texts of the politics rows of the BBC corpus, in file order."""
    with corpus.open(encoding="utf-8", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle) if row["category"] == "politics"]


def read_gold(path: Path = GOLD) -> list[Gold]:
    """Return the annotated toponyms."""
    rows = read_table(path, required=("row_index", "start", "end", "surface", "lat", "lon"))
    return [
        Gold(
            int(r["row_index"]),
            int(r["start"]),
            int(r["end"]),
            r["surface"],
            r["country"] or None,
            float(r["lat"]),
            float(r["lon"]),
        )
        for r in rows
    ]


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def geoparse(nlp: Language, resolver: PlaceResolver, text: str, article_id: str) -> list[Place]:
    """Parse the article's blocks as the pipeline does and return its places."""
    blocks = segment(text)[0]
    docs: list[Doc] = list(nlp.pipe(block.text for block in blocks))
    context = resolver.article_countries(docs)
    places: list[Place] = []
    for block, doc in zip(blocks, docs, strict=True):
        places += resolver.resolve(
            doc, article_id=article_id, base=block.start, context_countries=context
        )
    return places


def measure(nlp: Language | None = None, resolver: PlaceResolver | None = None) -> Figures:
    """Resolve the annotated articles and score the places against the gold."""
    nlp = nlp or load_pipeline()
    resolver = resolver or PlaceResolver()
    texts = politics_texts()
    gold = read_gold()
    by_row: dict[int, list[Gold]] = defaultdict(list)
    for item in gold:
        if texts[item.row][item.start : item.end] != item.surface:
            raise ValueError(f"gold offsets of {item} do not point at {item.surface!r}")
        by_row[item.row].append(item)
    country_points = _country_points(resolver)
    found = exact = within = local_gold = local_within = checked = right = 0
    geonames_found = geonames_within = 0
    predicted = false_positives = 0
    for row, items in sorted(by_row.items()):
        places = geoparse(nlp, resolver, texts[row], str(row))
        predicted += len(places)
        false_positives += sum(
            not any(p.start < g.end and g.start < p.end for g in items) for p in places
        )
        for g in items:
            local = (round(g.lat, 2), round(g.lon, 2)) not in country_points
            local_gold += local
            overlapping = [p for p in places if p.start < g.end and g.start < p.end]
            if not overlapping:
                continue
            place = max(overlapping, key=lambda p: min(p.end, g.end) - max(p.start, g.start))
            found += 1
            exact += (place.start, place.end) == (g.start, g.end)
            loc = place.location
            close = loc.lat is not None and loc.lon is not None
            close = close and km(g.lat, g.lon, loc.lat or 0.0, loc.lon or 0.0) <= THRESHOLD_KM
            within += close
            local_within += local and close
            if loc.precision == "city" and loc.geonames_id is not None:
                geonames_found += 1
                geonames_within += close
            if g.country is not None:
                checked += 1
                right += loc.country == g.country
    return Figures(
        gold=len(gold),
        articles=len(by_row),
        found=found,
        exact=exact,
        within=within,
        local_gold=local_gold,
        local_within=local_within,
        geonames_found=geonames_found,
        geonames_within=geonames_within,
        country_checked=checked,
        country_right=right,
        predicted=predicted,
        false_positives=false_positives,
    )


def _country_points(resolver: PlaceResolver) -> set[tuple[float, float]]:
    points = set()
    for code in resolver.knowledge.countries.values():
        for loc in resolver.gazetteer.candidates(code.name):
            if loc.precision == "country" and loc.lat is not None and loc.lon is not None:
                points.add((round(loc.lat, 2), round(loc.lon, 2)))
    for name in ("England", "Scotland", "Wales", "Northern Ireland"):
        for loc in resolver.gazetteer.candidates(name):
            points.add((round(loc.lat or 0.0, 2), round(loc.lon or 0.0, 2)))
    return points


def speed(nlp: Language, resolver: PlaceResolver) -> None:
    """Print places/s and the per-article overhead of resolution over spaCy parsing."""
    texts = politics_texts()
    blocks = [[b.text for b in segment(text)[0]] for text in texts]
    start = time.perf_counter()
    docs = [list(nlp.pipe(parts)) for parts in blocks]
    parse = time.perf_counter() - start
    start = time.perf_counter()
    places = 0
    for i, article in enumerate(docs):
        context = resolver.article_countries(article)
        for doc in article:
            places += len(resolver.resolve(doc, article_id=str(i), context_countries=context))
    resolve = time.perf_counter() - start
    print(f"articles parsed        {len(texts)} (all BBC politics rows)")
    print(f"spaCy parsing          {parse:.2f} s  {1000 * parse / len(texts):.1f} ms/article")
    print(
        f"place resolution       {resolve:.2f} s  {1000 * resolve / len(texts):.2f} ms/article  "
        f"{places / resolve:.0f} places/s  (+{100 * resolve / parse:.1f}% on parsing)"
    )


def main() -> None:
    """Run the measurement and print its figures."""
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} is absent: this benchmark needs the research data in ../shared")
    nlp = load_pipeline()
    start = time.perf_counter()
    resolver = PlaceResolver()
    resolver.gazetteer  # noqa: B018 - build it now, to time it apart
    print(f"gazetteer build        {time.perf_counter() - start:.2f} s (once per process)")
    f = measure(nlp, resolver)
    print(f"gold toponyms          {f.gold} in {f.articles} articles")
    print(f"recall (overlap)       {f.recall:.3f}  ({f.found}/{f.gold})")
    print(f"recall (exact offsets) {f.exact / f.gold:.3f}  ({f.exact}/{f.gold})")
    print(f"acc@161km of found     {f.accuracy_found:.3f}  ({f.within}/{f.found})")
    print(f"acc@161km overall      {f.accuracy_all:.3f}  ({f.within}/{f.gold})")
    print(
        f"acc@161km below country level, overall  {f.accuracy_local:.3f}  "
        f"({f.local_within}/{f.local_gold})"
    )
    print(
        f"acc@161km of found toponyms resolved to GeoNames cities  "
        f"{f.geonames_within / max(f.geonames_found, 1):.3f}  ({f.geonames_within}/{f.geonames_found})"
    )
    print(f"correct country        {f.country_rate:.3f}  ({f.country_right}/{f.country_checked})")
    print(
        f"precision              {f.precision:.3f}  ({f.false_positives} of {f.predicted} predicted places overlap no gold toponym)"
    )
    speed(nlp, resolver)


if __name__ == "__main__":
    main()
