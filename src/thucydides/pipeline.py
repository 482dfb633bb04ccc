"""Compose the stages: article → blocks → spaCy parse → actors → events → records.

:class:`Coder` is the library's front door::

    from thucydides import Coder
    events = Coder().code_text(text, date="2002-12-20")

The spaCy pipeline is loaded once per process and shared by every Coder that
names it; Docs never leave this module: only frozen records do.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Token

from thucydides import ontology
from thucydides.actors.knowledge import KnowledgeBase, builtin_knowledge
from thucydides.actors.mentions import MentionIndex
from thucydides.actors.resolve import DocumentResolver
from thucydides.context.dates import article_date, is_history, resolve_event_date
from thucydides.context.location import article_place, event_location
from thucydides.context.places import PlaceResolver
from thucydides.context.quotes import QuoteFinder, in_writer_s_voice, quoted_ranges
from thucydides.errors import ConfigError, InputError
from thucydides.events.extract import Finding, SentenceCoder
from thucydides.events.lexicon import Lexicon, builtin_lexicon
from thucydides.ingest.checks import Problem, check_surrogates, content_hash
from thucydides.nlp import DEFAULT_MODEL, load_pipeline
from thucydides.records import (
    Actor,
    Article,
    CodedArticle,
    Event,
    Evidence,
    Location,
    Modality,
    Place,
    Quote,
    RejectReason,
)
from thucydides.segment import Block, segment

log = logging.getLogger(__name__)


def make_article(
    text: str,
    *,
    article_id: str | None = None,
    date: str | None = None,
    title: str | None = None,
    url: str | None = None,
    publisher: str | None = None,
    origin: str | None = None,
) -> Article:
    """Build an :class:`Article` from raw text (the id defaults to the content hash prefix)."""
    digest = content_hash(text)
    return Article(
        article_id=article_id or digest[:16],
        text=text,
        content_hash=digest,
        title=title,
        url=url,
        publisher=publisher,
        published=date,
        origin=origin,
    )


@dataclass(frozen=True, slots=True)
class _Job:
    article: Article
    blocks: tuple[Block, ...]
    date: str | None
    refused: Problem | None = None  # why the parser cannot take the article: it is not parsed


class Coder:
    """Code news articles into CAMEO/PLOVER events with their evidence."""

    def __init__(
        self,
        *,
        model: str = DEFAULT_MODEL,
        goldstein_table: str = "gdelt",
        quad_class_scheme: str = "gdelt",
        knowledge: KnowledgeBase | None = None,
        lexicon: Lexicon | None = None,
        batch_size: int = 64,
    ) -> None:
        if goldstein_table not in ontology.GOLDSTEIN_TABLES:
            raise ConfigError(
                f"unknown Goldstein table {goldstein_table!r}; choose one of {ontology.GOLDSTEIN_TABLES}"
            )
        if quad_class_scheme not in ontology.QUAD_CLASS_SCHEMES:
            raise ConfigError(
                f"unknown QuadClass scheme {quad_class_scheme!r}; choose one of {ontology.QUAD_CLASS_SCHEMES}"
            )
        self.model = model
        self.goldstein_table = goldstein_table
        self.quad_class_scheme = quad_class_scheme
        self.knowledge = knowledge or builtin_knowledge()
        self.lexicon = lexicon or builtin_lexicon()
        self.batch_size = batch_size
        self._nlp: Language | None = None
        self._index: MentionIndex | None = None
        self._quotes = QuoteFinder()
        self._places = PlaceResolver(knowledge=self.knowledge)

    @property
    def nlp(self) -> Language:
        """Return the spaCy pipeline, loading it on first use."""
        if self._nlp is None:
            self._nlp = load_pipeline(self.model)
        return self._nlp

    @property
    def index(self) -> MentionIndex:
        """Return the knowledge-base matchers for this pipeline's vocabulary."""
        if self._index is None:
            self._index = MentionIndex(self.knowledge, self.nlp)
        return self._index

    # -- public API ---------------------------------------------------------------------

    def code_text(
        self, text: str, *, date: str | None = None, article_id: str | None = None
    ) -> list[Event]:
        """Code one text and return its events (``date``: YYYY-MM-DD, the article's date)."""
        return list(self.code_article(make_article(text, article_id=article_id, date=date)).events)

    def code_article(self, article: Article) -> CodedArticle:
        """Code one article."""
        return next(iter(self.code_articles([article])))

    def code_articles(self, articles: Iterable[Article]) -> Iterator[CodedArticle]:
        """Code articles as a stream, parsing their paragraphs in batches."""
        jobs = (self._prepare(article) for article in articles)
        pending: dict[int, tuple[_Job, list[Doc]]] = {}  # articles whose blocks are being parsed
        counter = itertools.count()

        def texts() -> Iterator[tuple[str, int]]:
            for job in jobs:
                number = next(counter)
                pending[number] = (job, [])
                blocks = () if job.refused else job.blocks
                for block in blocks:
                    yield block.text, number
                if not blocks:
                    yield "", number

        done = 0
        for doc, number in self.nlp.pipe(texts(), as_tuples=True, batch_size=self.batch_size):
            while done < number:  # every block of the earlier articles has been parsed
                yield self._finish_safely(*pending.pop(done))
                done += 1
            if doc.text:
                pending[number][1].append(doc)
        while pending:
            yield self._finish_safely(*pending.pop(done))
            done += 1

    def _finish_safely(self, job: _Job, docs: list[Doc]) -> CodedArticle:
        """Code one parsed article; a failure marks that article, it never stops the batch."""
        if job.refused is not None:
            return CodedArticle(job.article, error=job.refused.detail, reason=job.refused.reason)
        try:
            return self._finish(job, docs)
        except (RecursionError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            log.exception("coding failed on article %s", job.article.article_id)
            detail = (
                f"the coder failed on this article ({type(exc).__name__}: {exc}); it was not "
                "stored, so a re-run retries it. Please report it with the article attached"
            )
            return CodedArticle(job.article, error=detail)

    def actors(self, text: str, *, date: str | None = None) -> list[Actor]:
        """Return every actor mention the resolver finds in a text, in reading order.

        Each actor's ``reason`` says which rule or knowledge entry decided its code.
        Raises :class:`~thucydides.errors.InputError` for text the parser cannot
        take (a lone surrogate, a paragraph over its length limit).
        """
        job = self._prepare(make_article(text, date=date))
        if job.refused is not None:
            raise InputError(f"cannot resolve actors in this text: {job.refused.detail}")
        resolver = DocumentResolver(self.index, date=job.date)
        found: list[Actor] = []
        for block, doc in zip(job.blocks, self.nlp.pipe(b.text for b in job.blocks), strict=True):
            resolver.start_block(doc[:], base=block.start)
            for sent in doc.sents:
                for actors in resolver.read_sentence(sent):
                    found.extend(actors)
        return found

    # -- stages -------------------------------------------------------------------------

    def _prepare(self, article: Article) -> _Job:
        blocks, dateline = segment(article.text)
        date = article_date(published=article.published, dateline=dateline, default=None)
        body = tuple(block for block in blocks if block.kind == "body")
        return _Job(article, body, date, self._refusal(article.text, body))

    def _refusal(self, text: str, body: tuple[Block, ...]) -> Problem | None:
        """Return why spaCy cannot parse this article, or None.

        spaCy raises on such text, and an exception inside ``nlp.pipe`` would end
        the whole stream of articles, not just this one.
        """
        problem = check_surrogates(text)
        if problem is not None:
            return problem
        limit = self.nlp.max_length
        longest = max(body, key=lambda block: len(block.text), default=None)
        if longest is None or len(longest.text) <= limit:
            return None
        return Problem(
            RejectReason.TOO_LARGE,
            f"the article has a paragraph of {len(longest.text):,} characters (from character "
            f"{longest.start:,}) with no blank line in it, over the {limit:,} characters the "
            "spaCy parser takes at once; split it into paragraphs separated by blank lines",
        )

    def _finish(self, job: _Job, docs: list[Doc]) -> CodedArticle:
        article = job.article
        countries = self._places.article_countries(docs)
        resolver = DocumentResolver(self.index, date=job.date, countries=countries)
        places: list[Place] = []
        for block, doc in zip(job.blocks, docs, strict=True):
            places.extend(
                self._places.resolve(
                    doc,
                    article_id=article.article_id,
                    base=block.start,
                    context_countries=countries,
                )
            )
        main_place = article_place(places)
        events: list[Event] = []
        quotes: list[Quote] = []
        sentence_index = 0
        for block, doc in zip(job.blocks, docs, strict=True):
            resolver.start_block(doc[:], base=block.start)
            coder = SentenceCoder(self.lexicon, resolver, base=block.start)
            quoted = quoted_ranges(doc.text)
            for sent in doc.sents:
                if not sent.text.strip():
                    continue
                resolver.read_sentence(sent)
                if in_writer_s_voice(sent, quoted):
                    sentence_index += 1
                    continue  # "where I write this": a reader's comment or a column
                bounds = (block.start + sent.start_char, block.start + sent.end_char)
                located: dict[int, Place | None] = {}  # one place per trigger, both directions
                for finding in coder.code(sent):
                    span = doc.char_span(finding.start - block.start, finding.end - block.start)
                    trigger = span.root if span is not None else None
                    if trigger is not None and _quoted_noun(trigger, quoted):
                        continue  # "Labour's continued refusal to admit ...": a speaker's opinion
                    date, future = resolve_event_date(sent, anchor=job.date, trigger=trigger)
                    if is_history(trigger, anchor=job.date, date=date):
                        continue  # "resigned in 1947": background, not news
                    if finding.start not in located:
                        located[finding.start] = event_location(
                            trigger,
                            places,
                            base=block.start,
                            sentence=bounds,
                            source=finding.source,
                            target=finding.target,
                            visited=_visited(finding),
                            main_place=main_place,
                        )
                    place = located[finding.start]
                    if place is not None and finding.target is None:
                        finding = _place_as_target(finding, place)
                    if future and finding.modality is Modality.ASSERTED:
                        # "talks with Washington, which officials said would begin April
                        # 14": dated after the article, so not yet happened
                        finding = replace(finding, modality=Modality.FUTURE)
                    events.append(
                        self._event(
                            article,
                            finding,
                            sentence_index=sentence_index,
                            sentence=(sent.text, *bounds),
                            date=date,
                            future=future or finding.modality is Modality.FUTURE,
                            location=place.location if place is not None else None,
                        )
                    )
                sentence_index += 1
            quotes.extend(
                self._quotes.find(doc, resolver, article_id=article.article_id, base=block.start)
            )
        return CodedArticle(article, tuple(events), places=tuple(places), quotes=tuple(quotes))

    def _event(
        self,
        article: Article,
        finding: Finding,
        *,
        sentence_index: int,
        sentence: tuple[str, int, int],
        date: str | None,
        future: bool,
        location: Location | None,
    ) -> Event:
        text, sentence_start, sentence_end = sentence
        code = ontology.lookup(finding.code)
        target_code = finding.target.code if finding.target else ""
        # two people with the same code in one sentence are two events: names are in the key
        source, target = finding.source, finding.target
        key = (
            f"{article.content_hash}|{sentence_index}|{finding.start}|{code.code}|"
            f"{source.code}|{source.name or ''}|{target_code}|{target.name or '' if target else ''}"
        )
        return Event(
            event_id=hashlib.sha1(key.encode("utf-8")).hexdigest()[:20],
            article_id=article.article_id,
            sentence_index=sentence_index,
            date=date,
            source=finding.source,
            target=finding.target,
            cameo_code=code.code,
            cameo_root=code.root,
            cameo_name=code.name,
            plover_type=code.plover_type,
            quad_class=ontology.quad_class(code.code, scheme=self.quad_class_scheme),
            goldstein=ontology.goldstein(code.code, table=self.goldstein_table),
            negated=finding.negated,
            modality=finding.modality,
            evidence=Evidence(
                sentence=text.strip(),
                trigger=finding.trigger,
                start=finding.start,
                end=finding.end,
                sentence_start=sentence_start,
                sentence_end=sentence_end,
            ),
            goldstein_table=self.goldstein_table,
            quad_class_scheme=self.quad_class_scheme,
            future=future,
            location=location,
        )


def _visited(finding: Finding) -> Actor | None:
    """Return the party whose country a visit goes to ("visit" 042: the target; "host" 043: the source)."""
    if finding.code in ("042", "036"):
        return finding.target
    if finding.code == "043":
        return finding.source
    return None


def _place_as_target(finding: Finding, place: Place) -> Finding:
    """Give a targetless attack the country of the place it struck ("shelled targets in Jericho").

    CAMEO codes the attacked location's country as the target when the text names
    no actor; only for coercion and violence (17-20), and never the attacker's own country.
    """
    country = place.location.country
    if (
        finding.code[:2] not in ("17", "18", "19", "20")
        or not country
        or country == finding.source.country
    ):
        return finding
    target = Actor(
        place.text,
        country,
        country,
        (),
        None,
        place.start,
        place.end,
        f"place attacked: {place.location.name}",
    )
    return replace(finding, target=target)


def _quoted_noun(trigger: Token, quoted: list[tuple[int, int]]) -> bool:
    """Return whether an event noun stands inside a direct quote: quoted nouns are the
    speaker's characterisations ("their refusal", "this attack on liberty"), not events."""
    return trigger.pos_ == "NOUN" and any(start <= trigger.idx < end for start, end in quoted)
