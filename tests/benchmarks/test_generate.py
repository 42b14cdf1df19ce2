"""The synthetic corpus generator in benchmarks/generate.py."""
from __future__ import annotations

import importlib.util
import json
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "generate.py"
_SPEC = importlib.util.spec_from_file_location("marsad_bench_generate", _PATH)
generate = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = generate  # dataclasses look their module up while decorating
_SPEC.loader.exec_module(generate)

TEMPLATES = generate.load_templates()
WEAPON_WORDS = TEMPLATES["slots"]["weapon"] + TEMPLATES["slots"]["strike"]


def _nbytes(text: str) -> int:
    return len(text.encode("utf-8"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate.write_corpus(generate.generate(20, seed=1), out)
    return out


@pytest.mark.parametrize("seed", [1, 7])
def test_same_seed_gives_same_files(seed: int, tmp_path: Path) -> None:
    first = generate.write_corpus(generate.generate(20, seed), tmp_path / "a")
    second = generate.write_corpus(generate.generate(20, seed), tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    for row in map(json.loads, first.read_text(encoding="utf-8").splitlines()):
        assert (first.parent / row["path"]).read_bytes() == (second.parent / row["path"]).read_bytes()


def test_other_seed_gives_other_texts() -> None:
    one = {d.text for d in generate.generate(20, seed=1)}
    two = {d.text for d in generate.generate(20, seed=2)}
    assert not one & two


def test_small_corpus_is_prefix_of_large_one() -> None:
    assert generate.generate(10, seed=3) == generate.generate(20, seed=3)[:10]


@pytest.mark.parametrize(("size", "low", "high"), [
    (None, 2048, 6144),
    (4096, 3686, 4506),
    (3000, 2700, 3300),
])
def test_sizes_fall_in_range(size: int | None, low: int, high: int) -> None:
    assert generate.size_bounds(size) == (low, high)
    sizes = [_nbytes(d.text) for d in generate.generate(20, seed=1, size=size)]
    assert all(low <= s <= high for s in sizes), sizes


@given(seed=st.integers(min_value=0, max_value=10**9), index=st.integers(0, 5000))
@settings(max_examples=40, deadline=None)
def test_any_document_fits_default_bounds(seed: int, index: int) -> None:
    doc = generate.make_doc(seed, index)
    assert 2048 <= _nbytes(doc.text) <= 6144
    assert "{" not in doc.text and "}" not in doc.text  # every slot was filled


def test_manifest_lines_point_at_their_files(corpus: Path) -> None:
    rows = [json.loads(line) for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 20
    assert len({r["doc_id"] for r in rows}) == 20
    docs = {d.doc_id: d for d in generate.generate(20, seed=1)}
    for row in rows:
        assert set(row) == {"doc_id", "path", "published", "outlet", "lang"}
        assert row["path"] == f"docs/{row['doc_id']}.txt"
        assert (corpus / row["path"]).read_text(encoding="utf-8") == docs[row["doc_id"]].text
        assert date(2021, 1, 1) <= date.fromisoformat(row["published"]) <= date(2024, 12, 31)
        assert row["outlet"] in TEMPLATES["outlets"]
        assert row["lang"] == "ar"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_in_five_documents_reports_no_attack(seed: int) -> None:
    docs = generate.generate(20, seed)
    assert sum(not d.attack for d in docs) == 4
    for doc in docs:
        named = [w for w in WEAPON_WORDS if w in doc.text]
        assert bool(named) == doc.attack, (doc.doc_id, named)


@pytest.mark.parametrize(("published", "form", "expected"), [
    (date(2024, 3, 14), "اليوم {weekday}", "اليوم الخميس"),
    (date(2024, 3, 14), "أمس {weekday_prev}", "أمس الأربعاء"),
    (date(2024, 1, 1), "أمس {weekday_prev}", "أمس الأحد"),
])
def test_date_phrase_agrees_with_publication_day(published: date, form: str, expected: str) -> None:
    rng = generate.random.Random(0)
    assert generate._fill_date(rng, form, TEMPLATES, published, months_back=1) == expected


@pytest.mark.parametrize(("published", "months_back", "month"), [
    (date(2024, 3, 14), 1, "شباط"),
    (date(2024, 1, 20), 1, "كانون الأول"),
    (date(2024, 2, 29), 3, "تشرين الثاني"),
])
def test_explicit_date_names_an_earlier_month(published: date, months_back: int, month: str) -> None:
    rng = generate.random.Random(0)
    phrase = generate._fill_date(rng, "في {day} من {month} الماضي", TEMPLATES, published, months_back)
    assert phrase.endswith(f"من {month} الماضي")


def test_templates_use_only_defined_slots() -> None:
    assert generate.undefined_slots(TEMPLATES) == set()
    broken = {**TEMPLATES, "filler": {"politics": ["وقال {nobody} إن الأمر انتهى."]}}
    assert generate.undefined_slots(broken) == {"nobody"}


def test_story_keeps_one_weapon_per_document() -> None:
    for doc in generate.generate(20, seed=5):
        title, lead = doc.text.split("\n\n")[:2]
        in_title = [w for w in WEAPON_WORDS if w in title]
        if in_title:  # a headline weapon is the one the lead reports
            assert any(w in lead.split(".")[0] for w in in_title), doc.doc_id


def test_cli_writes_corpus(tmp_path: Path) -> None:
    assert generate.main(["--n", "5", "--out", str(tmp_path), "--seed", "4", "--size", "3000"]) == 0
    rows = (tmp_path / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 5
    assert len(list((tmp_path / "docs").glob("*.txt"))) == 5
