"""Blocks, page furniture, headlines and datelines."""

from __future__ import annotations

from thucydides.segment import segment

PAGE = """Accessibility links

Breaking News

Japan, India Pledge Closer Ties As Modi Visits Tokyo

TOKYO, 1 September 2014 (Thucydides Wire) -- Indian Prime Minister Narendra Modi arrived in Tokyo on Monday.
He met Shinzo Abe.
"""


def test_furniture_and_headline_are_not_body() -> None:
    blocks, _ = segment(PAGE)
    kinds = [(block.kind, block.text.split()[0]) for block in blocks]
    assert kinds[:3] == [
        ("furniture", "Accessibility"),
        ("furniture", "Breaking"),
        ("headline", "Japan,"),
    ]
    assert [b.kind for b in blocks[3:]] == ["body"]


def test_dateline_is_cut_from_the_paragraph_and_dated() -> None:
    blocks, dateline = segment(PAGE)
    assert dateline is not None
    assert (dateline.place, dateline.date) == ("TOKYO", "2014-09-01")
    body = blocks[-1]
    assert body.text.startswith("Indian Prime Minister")
    assert PAGE[body.start : body.end] == body.text  # offsets index the article text


def test_dateline_variants() -> None:
    assert (
        segment("MOSCOW, Dec 19, 2002 (Reuters) - Russia said it would talk.")[1].date
        == "2002-12-19"
    )  # type: ignore[union-attr]
    assert segment("WASHINGTON (AP) — The US said it would talk.")[1].place == "WASHINGTON"  # type: ignore[union-attr]
    assert segment("LONDON, March 3 (Reuters) - Britain said it would talk.")[1].date is None  # type: ignore[union-attr]
    assert segment("The United States - and Russia - agreed to talk.")[1] is None
    assert segment("He said - to nobody in particular - that he would resign.")[1] is None


def test_a_short_sentence_is_body_but_a_label_is_not() -> None:
    blocks, _ = segment("Russia attacked Georgia.\n\nRead more\n")
    assert [b.kind for b in blocks] == ["body", "furniture"]
