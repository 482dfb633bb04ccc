"""Quotes and reported speech, with their speakers, on text written for the test and the seed."""

from __future__ import annotations

import pytest

from tests.support import shared_file
from thucydides import Coder
from thucydides.actors.resolve import DocumentResolver
from thucydides.context.quotes import SPEECH_VERBS, QuoteFinder
from thucydides.events.lexicon import builtin_lexicon
from thucydides.records import Quote
from thucydides.segment import segment

pytestmark = pytest.mark.slow

DATE = "2002-12-20"
MALGIN = (
    "Artem Malgin is deputy director of the Moscow State Institute for International Relations."
)
MALASHENKO = "Aleksei Malashenko, an expert at the Moscow Carnegie Center, agreed."


def quotes_of(coder: Coder, text: str, *, date: str | None = DATE) -> list[Quote]:
    """Walk an article's body blocks as ``Coder._finish`` does, finding quotes in each."""
    blocks, _ = segment(text)
    body = [block for block in blocks if block.kind == "body"]
    resolver = DocumentResolver(coder.index, date=date)
    finder = QuoteFinder()
    found: list[Quote] = []
    for block, doc in zip(body, coder.nlp.pipe(b.text for b in body), strict=True):
        resolver.start_block(doc[:], base=block.start)
        for sent in doc.sents:
            if sent.text.strip():
                resolver.read_sentence(sent)
        quotes = finder.find(doc, resolver, article_id="test", base=block.start)
        for quote in quotes:  # offsets are article offsets
            assert text[quote.start : quote.end] == quote.text
        found.extend(quotes)
    return found


def direct(quotes: list[Quote]) -> list[Quote]:
    return [q for q in quotes if q.kind == "direct"]


def speaker(quote: Quote) -> str | None:
    return quote.speaker.name if quote.speaker else None


def test_speech_verbs_cover_the_lexicon_say_frame() -> None:
    say = {
        entry.lemma
        for entries in builtin_lexicon().entries.values()
        for entry in entries
        if entry.frame == "say" and entry.pos == "VERB"
    }
    assert say <= SPEECH_VERBS
    assert not {"believe", "think"} & SPEECH_VERBS  # opinions, not words spoken


def test_colon_lead_in_with_a_pronoun_resolved_to_the_named_person(coder: Coder) -> None:
    text = f'{MALGIN} He said: "Our relations with Kazakhstan are stable and will stay so."'
    [quote] = direct(quotes_of(coder, text))
    assert quote.text == "Our relations with Kazakhstan are stable and will stay so."
    assert quote.speaker_text == "He"
    assert speaker(quote) == "Artem Malgin"
    assert quote.speaker is not None and quote.speaker.country == "RUS"


def test_trailing_he_said_and_said_x(coder: Coder) -> None:
    text = (
        f"{MALGIN}\n\n"
        '"The visit will bring nothing new to the relationship," he said.\n\n'
        '"Moscow wants its influence back in Central Asia," said Malgin.'
    )
    first, second = direct(quotes_of(coder, text))
    assert first.text == "The visit will bring nothing new to the relationship"
    assert (first.speaker_text, speaker(first)) == ("he", "Artem Malgin")
    assert second.text == "Moscow wants its influence back in Central Asia"
    assert (second.speaker_text, speaker(second)) == ("Malgin", "Artem Malgin")


def test_multi_sentence_curly_quote_with_bracketed_insertions(coder: Coder) -> None:
    text = (
        f"{MALGIN} He said: “[Russia's] relations with Kazakhstan are stable. These things "
        "[were] planned. [So] nothing extraordinary will happen.” Then the talks began."
    )
    [quote] = direct(quotes_of(coder, text))
    assert quote.text.startswith("[Russia's] relations with Kazakhstan")
    assert "These things [were] planned. [So] nothing" in quote.text
    assert quote.text.endswith("will happen.")
    assert speaker(quote) == "Artem Malgin"


def test_single_curly_quote_needs_an_attribution(coder: Coder) -> None:
    text = (
        f"{MALGIN} ‘We are ready to talk to Astana now,’ he said. "
        "The leaders’ talks ended and the delegations’ cars left for the airport."
    )
    [quote] = direct(quotes_of(coder, text))
    assert quote.text == "We are ready to talk to Astana now"
    assert speaker(quote) == "Artem Malgin"


def test_a_quote_opening_a_paragraph_continues_the_last_speaker(coder: Coder) -> None:
    text = (
        f'{MALASHENKO} He said: "Nazarbaev faces big pressure from the opposition."\n\n'
        '"Of course, in that situation, Nazarbaev is seeking support from Russia."\n\n'
        "The two presidents also discussed trade.\n\n"
        '"Nobody can tell what the lease will cost in ten years."'
    )
    first, second, third = direct(quotes_of(coder, text))
    assert speaker(first) == speaker(second) == "Aleksei Malashenko"
    assert third.speaker is None  # the paragraph before ended with no speech: nothing carries


def test_a_quote_over_two_paragraphs(coder: Coder) -> None:
    # news style leaves a quote open at a paragraph's end and reopens it in the next one
    text = (
        f'{MALGIN} He said: "Relations with Kazakhstan are stable and well run.\n\n'
        '"Nothing extraordinary will happen during this visit."'
    )
    first, second = direct(quotes_of(coder, text))
    assert first.text == "Relations with Kazakhstan are stable and well run."
    assert second.text == "Nothing extraordinary will happen during this visit."
    assert speaker(first) == speaker(second) == "Artem Malgin"


def test_a_reopened_quote_without_its_paragraph_break(coder: Coder) -> None:
    text = (
        f'{MALGIN} He said: "Relations with Kazakhstan are stable and well run. '
        '"Nothing extraordinary will happen during this visit." The talks began at noon.'
    )
    quotes = direct(quotes_of(coder, text))
    assert [q.text for q in quotes] == [
        "Relations with Kazakhstan are stable and well run.",
        "Nothing extraordinary will happen during this visit.",
    ]
    assert {speaker(q) for q in quotes} == {"Artem Malgin"}


def test_he_right_after_a_speakers_words_is_that_speaker(coder: Coder) -> None:
    # the resolver alone would take "he" for Nazarbaev, the latest person named
    text = (
        f"{MALASHENKO} In addition, Malashenko noted, Central Asian leaders -- including "
        "Kazakhstan's President Nursultan Nazarbaev -- fear China. Under that circumstance, "
        "he adds, Nazarbaev might be seeking Moscow's support."
    )
    indirect = [q for q in quotes_of(coder, text) if q.kind == "indirect"]
    assert [(q.speaker_text, speaker(q)) for q in indirect] == [
        ("Malashenko", "Aleksei Malashenko"),
        ("he", "Aleksei Malashenko"),
    ]


def test_he_after_an_unknown_speaker_is_not_the_last_known_person(coder: Coder) -> None:
    text = (
        "Tony Blair attacked the plans. A local campaigner, Jim Smithers, said the plans were fair. "
        'He added: "People smuggling gangs will be smashed by the new rules."'
    )
    quotes = direct(quotes_of(coder, text, date="2005-02-01"))
    assert [(q.speaker_text, q.speaker) for q in quotes] == [("He", None)]
    # once the speaker can be coded, "he" is that speaker, not the last known person
    known = text.replace("A local campaigner, Jim Smithers,", "Tory leader Michael Howard")
    quotes = direct(quotes_of(coder, known, date="2005-02-01"))
    assert [(q.speaker_text, speaker(q)) for q in quotes] == [("He", "Michael Howard")]


def test_the_lead_in_sentence_names_the_speaker(coder: Coder) -> None:
    text = (
        f"{MALASHENKO} He stressed, however, that the visit still holds political significance.\n\n"
        "At the same time, Malashenko added, Moscow is eager to restore its influence. "
        '"Now Nazarbaev faces big pressure from the local opposition."\n\n'
        "Nevertheless, Malashenko highlighted the importance of security. "
        '"[Concerning security], Kazakhstan cannot be compared to Uzbekistan."'
    )
    quotes = direct(quotes_of(coder, text))
    assert [speaker(q) for q in quotes] == ["Aleksei Malashenko", "Aleksei Malashenko"]
    assert quotes[1].text.startswith("[Concerning security]")


def test_scare_quotes_and_names_are_not_quotes(coder: Coder) -> None:
    text = (
        'Nazarbaev said 2002 had been a "breakthrough year" for bilateral ties. '
        'New "knots" of cooperation have been tied. Putin opened the "Year of Kazakhstan '
        'in Russia" in February. "No," Putin said.'
    )
    quotes = direct(quotes_of(coder, text))
    assert [q.text for q in quotes] == ["No"]  # a whole utterance next to its speech verb
    assert speaker(quotes[0]) == "Vladimir Putin"


def test_unattributed_quotes_are_kept_without_a_speaker(coder: Coder) -> None:
    text = 'The weather was cold. "Nobody expected the talks to last two full days."'
    [quote] = direct(quotes_of(coder, text))
    assert quote.speaker is None and quote.speaker_text is None


def test_indirect_speech(coder: Coder) -> None:
    text = (
        f"{MALGIN} He said that Russia remains Kazakhstan's main trading partner. "
        "In particular, Malgin added, arms exports to Kazakhstan will increase. "
        "Trade will grow, according to Malgin."
    )
    indirect = [q for q in quotes_of(coder, text) if q.kind == "indirect"]
    assert [q.text for q in indirect] == [
        "Russia remains Kazakhstan's main trading partner",
        "arms exports to Kazakhstan will increase",
        "Trade will grow",
    ]
    assert {speaker(q) for q in indirect} == {"Artem Malgin"}
    assert indirect[0].speaker_text == "He"


def test_speech_inside_a_direct_quote_is_not_counted_again(coder: Coder) -> None:
    text = f'{MALGIN} He said: "That is to say we will keep our promises to Astana."'
    quotes = quotes_of(coder, text)
    assert [q.kind for q in quotes] == ["direct"]


def test_coordinated_speakers_give_one_quote_each(coder: Coder) -> None:
    text = (
        f"{MALGIN} {MALASHENKO} Malashenko and Malgin agreed that the initiative "
        "might not bring much."
    )
    indirect = [q for q in quotes_of(coder, text) if q.kind == "indirect"]
    assert {speaker(q) for q in indirect} == {"Aleksei Malashenko", "Artem Malgin"}
    assert {q.text for q in indirect} == {"the initiative might not bring much"}


def test_a_new_article_carries_nothing_over(coder: Coder) -> None:
    finder = QuoteFinder()
    quotes: list[Quote] = []
    for number, text in enumerate(
        [
            f'{MALGIN} He said: "Relations with Kazakhstan are very good indeed."',
            '"Who will pay for the new pipeline to China?"',
        ]
    ):
        doc = coder.nlp(text)
        resolver = DocumentResolver(coder.index, date=DATE)
        resolver.start_block(doc[:], base=0)
        for sent in doc.sents:
            resolver.read_sentence(sent)
        quotes.extend(direct(finder.find(doc, resolver, article_id=str(number), base=0)))
    assert [speaker(q) for q in quotes] == ["Artem Malgin", None]


def test_seed_quotes(coder: Coder) -> None:
    text = shared_file("seed/rferl-2002-12-20-nazarbaev-moscow.txt").read_text(encoding="utf-8")
    quotes = quotes_of(coder, text)
    analysts = [
        q
        for q in direct(quotes)
        if speaker(q) in ("Artem Malgin", "Aleksei Malashenko")
        and q.speaker is not None
        and q.speaker.country == "RUS"
    ]
    assert len(analysts) >= 5, [(q.text[:40], speaker(q)) for q in direct(quotes)]
    texts = [q.text for q in analysts]
    assert any(t.startswith("[Russia's] relations with Kazakhstan") for t in texts)
    assert any(t.startswith("Now Nazarbaev faces big pressure") for t in texts)
    for quote in quotes:
        said_by = quote.speaker_text or ""
        assert not {"Prague", "RFE", "RFE/RL"} & set(said_by.split())
        assert quote.speaker is None or "Prague" not in (quote.speaker.name or "")
    scare = {"breakthrough year", "knots", "Year of Kazakhstan in Russia"}
    assert not scare & {q.text for q in direct(quotes)}
    putin = [q for q in direct(quotes) if q.text.startswith("an important factor of stability")]
    assert [speaker(q) for q in putin] == ["Vladimir Putin"]


def test_first_person_outside_quotes_is_the_writer_s_voice(coder: Coder) -> None:
    from thucydides.context.quotes import in_writer_s_voice, quoted_ranges

    doc = coder.nlp(
        "We are still a democracy. Blair said we must act. "
        'He said: "We will act." The R.I. governor met US officials.'
    )
    voices = [in_writer_s_voice(s, quoted_ranges(doc.text)) for s in doc.sents]
    assert voices == [True, False, False, False]
