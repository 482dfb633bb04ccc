"""Tests for thucydides.ingest: real text in, Articles and helpful Rejections out."""

from __future__ import annotations

import hashlib
import io
import json
import sys
import tracemalloc
from pathlib import Path

import pytest

from thucydides.errors import ConfigError
from thucydides.ingest import read_inputs
from thucydides.ingest.checks import Problem, check_bytes, check_size, normalise_date
from thucydides.records import Article, Rejection, RejectReason

NEWS = (
    "MOSCOW, March 5 (Reuters) - Russian Foreign Minister Sergei Lavrov met his "
    "Kazakh counterpart in Astana on Tuesday and pledged closer economic cooperation.\n"
    "Kazakhstan's president later accused the opposition of stirring unrest.\n"
)
MB = 1024 * 1024


def _one(inputs: list[str | Path], **options: object) -> Article | Rejection:
    records = list(read_inputs(inputs, **options))  # type: ignore[arg-type]
    assert len(records) == 1, records
    return records[0]


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --- plain text -------------------------------------------------------------------


def test_plain_text_file_becomes_an_article(tmp_path: Path) -> None:
    path = _write(tmp_path / "lavrov.txt", NEWS.encode())
    article = _one([path], default_date="2024-03-05")
    assert isinstance(article, Article)
    assert article.text == NEWS
    assert article.content_hash == hashlib.sha256(NEWS.encode()).hexdigest()
    assert article.article_id == article.content_hash[:16]
    assert article.published == "2024-03-05"
    assert article.origin == str(path)
    assert article.title is None
    assert article.lang == "en"


def test_same_text_gives_same_hash_and_id(tmp_path: Path) -> None:
    first = _one([_write(tmp_path / "a.txt", NEWS.encode())])
    second = _one([_write(tmp_path / "copy" / "b.md", NEWS.encode())])
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.content_hash == second.content_hash
    assert first.article_id == second.article_id
    assert first.origin != second.origin


def test_bom_and_crlf_are_normalised(tmp_path: Path) -> None:
    windows = b"\xef\xbb\xbf" + NEWS.replace("\n", "\r\n").encode()
    old_mac = NEWS.replace("\n", "\r").encode()
    unix = _one([_write(tmp_path / "unix.txt", NEWS.encode())])
    for name, data in (("windows.txt", windows), ("mac.txt", old_mac)):
        article = _one([_write(tmp_path / name, data)])
        assert isinstance(article, Article) and isinstance(unix, Article)
        assert article.text == NEWS
        assert "\r" not in article.text and not article.text.startswith("\ufeff")
        assert article.content_hash == unix.content_hash


def test_text_is_otherwise_unchanged(tmp_path: Path) -> None:
    text = "  Kyiv — “We will not negotiate,” Zelensky said.\t\n\n\nGenève, naïve café.  "
    article = _one([_write(tmp_path / "quotes.txt", text.encode())])
    assert isinstance(article, Article)
    assert article.text == text


@pytest.mark.parametrize(
    ("data", "reason", "words"),
    [
        (b"", RejectReason.EMPTY, "empty"),
        (b"  \n\t\r\n  ", RejectReason.EMPTY, "whitespace"),
        (b"\xef\xbb\xbf\n", RejectReason.EMPTY, "whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", RejectReason.BINARY, "PNG image"),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 20, RejectReason.BINARY, "gzip"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", RejectReason.BINARY, "PDF"),
        (b"PK\x03\x04\x14\x00", RejectReason.BINARY, "ZIP"),
        (b"Lavrov said\x00\x00 nothing", RejectReason.BINARY, "NUL byte at byte offset 11"),
        (bytes(range(1, 32)) * 3 + b"some text", RejectReason.BINARY, "control bytes"),
        ("Lavrov in Genève".encode("utf-16"), RejectReason.ENCODING, "iconv -f utf-16"),
    ],
)
def test_bad_bytes_are_rejected_with_a_reason(
    tmp_path: Path, data: bytes, reason: RejectReason, words: str
) -> None:
    path = _write(tmp_path / "bad.txt", data)
    rejection = _one([path])
    assert isinstance(rejection, Rejection)
    assert rejection.reason is reason
    assert rejection.origin == str(path)
    assert words in rejection.detail


def test_latin1_text_is_rejected_with_offset_and_fix(tmp_path: Path) -> None:
    path = _write(tmp_path / "geneve.txt", "Talks resumed in Genève on Monday.".encode("latin-1"))
    rejection = _one([path])
    assert isinstance(rejection, Rejection)
    assert rejection.reason is RejectReason.ENCODING
    assert "byte offset 20" in rejection.detail  # after the 20 bytes of "Talks resumed in Gen"
    assert "0xE8" in rejection.detail
    assert f"iconv -f latin1 -t utf-8 {path}" in rejection.detail


def test_file_over_the_limit_is_rejected_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(20 * MB)  # sparse: 20 MB of NUL bytes, which would be BINARY if read
    tracemalloc.start()
    try:
        rejection = _one([path], max_bytes=10 * MB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(rejection, Rejection)
    assert rejection.reason is RejectReason.TOO_LARGE
    assert "20.0 MB is over the 10.0 MB limit per article" in rejection.detail
    assert "--max-bytes" in rejection.detail
    assert peak < MB  # nothing like the file was loaded


def test_missing_path_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    rejection = _one([path])
    assert isinstance(rejection, Rejection)
    assert rejection.reason is RejectReason.UNREADABLE
    assert rejection.detail.startswith(f"no such file or directory: {path}")


def test_a_bad_input_does_not_stop_the_others(tmp_path: Path) -> None:
    good = _write(tmp_path / "good.txt", NEWS.encode())
    records = list(read_inputs([tmp_path / "missing.txt", good]))
    assert [type(r) for r in records] == [Rejection, Article]


def test_stdin_is_one_plain_text_article(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"\xef\xbb\xbf" + NEWS.replace("\n", "\r\n").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    article = _one(["-"], default_date="2024-03-05")
    assert isinstance(article, Article)
    assert article.origin == "<stdin>"
    assert article.text == NEWS
    assert article.published == "2024-03-05"


def test_stdin_over_the_limit_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 200)))
    rejection = _one(["-"], max_bytes=100)
    assert isinstance(rejection, Rejection)
    assert rejection.reason is RejectReason.TOO_LARGE
    assert "100 bytes limit" in rejection.detail


# --- directories ------------------------------------------------------------------


def test_directory_walk_is_sorted_and_skips_hidden(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    for relative in ("b.txt", "a/z.txt", "a/c.txt", "c/d/e.txt", ".hidden.txt", ".git/x.txt"):
        _write(root / relative, f"Article {relative}: Lavrov met Tokayev.".encode())
    _write(root / "a" / ".cache" / "y.txt", b"hidden too")
    records = list(read_inputs([root]))
    assert all(isinstance(r, Article) for r in records)
    origins = [r.origin for r in records]
    expected = ["a/c.txt", "a/z.txt", "b.txt", "c/d/e.txt"]
    assert origins == [str(root / relative) for relative in expected]


def test_directory_walk_reads_jsonl_inside(tmp_path: Path) -> None:
    _write(tmp_path / "d" / "a.jsonl", b'{"id": "x1", "text": "Putin visited Beijing."}\n')
    _write(tmp_path / "d" / "b.txt", NEWS.encode())
    records = list(read_inputs([tmp_path / "d"]))
    assert [r.origin for r in records] == [
        f"{tmp_path / 'd' / 'a.jsonl'}:1",
        str(tmp_path / "d" / "b.txt"),
    ]


# --- JSONL ------------------------------------------------------------------------


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "id": "reuters-1",
                "text": NEWS,
                "date": "2024-03-05T09:30:00Z",
                "title": "Lavrov in Astana",
                "url": "https://example.org/1",
                "publisher": "Reuters",
            }
        ),
        '{"id": "reuters-2", "text": "Unterminated',
        "",
        json.dumps({"id": "reuters-3", "title": "no text"}),
        json.dumps(
            {"id": "reuters-4", "text": "Kyiv said Moscow shelled it.", "date": "05/03/2024"}
        ),
    ]
    path = _write(tmp_path / "feed.jsonl", "\n".join(lines).encode())
    records = list(read_inputs([path], default_date="2000-01-01"))
    articles = [r for r in records if isinstance(r, Article)]
    rejections = [r for r in records if isinstance(r, Rejection)]
    assert len(articles) == 1 and len(rejections) == 3
    (article,) = articles
    assert article.article_id == "reuters-1"
    assert article.text == NEWS
    assert article.published == "2024-03-05"
    assert article.title == "Lavrov in Astana"
    assert article.url == "https://example.org/1"
    assert article.publisher == "Reuters"
    assert article.origin == f"{path}:1"
    bad_json, no_text, bad_date = rejections
    assert bad_json.origin == f"{path}:2" and bad_json.reason is RejectReason.MALFORMED
    assert "invalid JSON" in bad_json.detail
    assert no_text.origin == f"{path}:4" and no_text.reason is RejectReason.MALFORMED
    assert 'missing required field "text"' in no_text.detail
    assert bad_date.origin == f"{path}:5" and bad_date.reason is RejectReason.MALFORMED
    assert "'05/03/2024'" in bad_date.detail and "YYYY-MM-DD" in bad_date.detail
    assert bad_date.content_hash is not None


def test_jsonl_field_rules(tmp_path: Path) -> None:
    lines = [
        '["not", "an", "object"]',
        '{"text": "Lavrov met Tokayev."}',
        '{"id": 17, "text": "Lavrov met Tokayev."}',
        '{"id": "a", "text": "   "}',
        '{"id": "b", "text": ["list"]}',
        '{"id": "c", "text": "Lavrov met Tokayev.", "title": 5}',
        '{"id": "d", "text": "Lavrov met Tokayev.", "date": "2024-02-30"}',
        '{"id": "e", "text": "Old\\r\\nnews", "date": null}',
    ]
    path = _write(tmp_path / "fields.jsonl", ("\ufeff" + "\r\n".join(lines)).encode())
    records = list(read_inputs([path], default_date="2024-01-31"))
    summary = [
        (r.reason, r.detail) if isinstance(r, Rejection) else (r.article_id, r.text)
        for r in records
    ]
    assert summary[0][0] is RejectReason.MALFORMED and "JSON array, not an object" in summary[0][1]
    assert (
        summary[1][0] is RejectReason.MALFORMED and 'missing required field "id"' in summary[1][1]
    )
    assert summary[2] == ("17", "Lavrov met Tokayev.")
    assert summary[3][0] is RejectReason.EMPTY
    assert summary[4][0] is RejectReason.MALFORMED and '"text" must be a string' in summary[4][1]
    assert summary[5][0] is RejectReason.MALFORMED and '"title" must be a string' in summary[5][1]
    assert summary[6][0] is RejectReason.MALFORMED and "not a real calendar day" in summary[6][1]
    assert summary[7] == ("e", "Old\nnews")
    last = records[7]
    assert isinstance(last, Article) and last.published == "2024-01-31"


def test_jsonl_line_over_the_limit_is_skipped_not_loaded(tmp_path: Path) -> None:
    big = json.dumps({"id": "big", "text": "x" * 5000})
    small = json.dumps({"id": "small", "text": "Lavrov met Tokayev."})
    path = _write(tmp_path / "mixed.jsonl", f"{big}\n{small}\n{big}".encode())
    records = list(read_inputs([path], max_bytes=1000))
    assert [type(r) for r in records] == [Rejection, Article, Rejection]
    first = records[0]
    assert isinstance(first, Rejection)
    assert first.reason is RejectReason.TOO_LARGE and first.origin == f"{path}:1"
    assert "4.9 KB is over the 1000 bytes limit" in first.detail
    assert records[1].origin == f"{path}:2" and records[2].origin == f"{path}:3"


def test_jsonl_latin1_line_is_an_encoding_rejection(tmp_path: Path) -> None:
    good = b'{"id": "1", "text": "Talks in Geneva."}\n'
    bad = '{"id": "2", "text": "Talks in Genève."}\n'.encode("latin-1")
    path = _write(tmp_path / "mixed.jsonl", good + bad)
    records = list(read_inputs([path]))
    assert isinstance(records[0], Article)
    rejection = records[1]
    assert isinstance(rejection, Rejection)
    assert rejection.reason is RejectReason.ENCODING and rejection.origin == f"{path}:2"
    assert "iconv" in rejection.detail


# --- options and checks -----------------------------------------------------------


@pytest.mark.parametrize("bad", ["2024-13-01", "March 5", "2024/03/05", ""])
def test_bad_default_date_raises_before_reading(bad: str) -> None:
    with pytest.raises(ConfigError, match="YYYY-MM-DD"):
        read_inputs(["/does/not/matter"], default_date=bad)


def test_bad_max_bytes_and_bare_string_raise() -> None:
    with pytest.raises(ConfigError, match="max_bytes"):
        read_inputs(["x"], max_bytes=0)
    with pytest.raises(ConfigError, match="list of paths"):
        read_inputs("article.txt")


def test_checks_are_reusable_pure_functions() -> None:
    assert check_bytes(b"Lavrov\r\nmet") == "Lavrov\nmet"
    problem = check_bytes(b"\xff\xd8\xff\xe0JFIF")
    assert isinstance(problem, Problem) and "JPEG" in problem.detail
    assert check_size(10, max_bytes=10) is None
    assert normalise_date("2024-03-05 14:00") == "2024-03-05"
    assert isinstance(normalise_date(20240305), Problem)


def test_empty_path_is_not_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "article.txt", NEWS.encode())
    rejection = _one([""])
    assert isinstance(rejection, Rejection)
    assert rejection.reason is RejectReason.UNREADABLE and "empty" in rejection.detail


def test_binary_jsonl_is_rejected_once(tmp_path: Path) -> None:
    path = _write(tmp_path / "feed.jsonl", b"\x1f\x8b\x08\x00" + bytes(range(256)) * 40)
    rejection = _one([path])
    assert isinstance(rejection, Rejection)
    assert rejection.reason is RejectReason.BINARY and rejection.origin == str(path)
    assert "gzip" in rejection.detail


def test_jsonl_without_records_is_one_empty_rejection(tmp_path: Path) -> None:
    path = _write(tmp_path / "nothing.jsonl", b"\n  \n\r\n")
    rejection = _one([path])
    assert isinstance(rejection, Rejection)
    assert rejection.reason is RejectReason.EMPTY and rejection.origin == str(path)
