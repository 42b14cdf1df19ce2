"""No article text in the repository: a long run of Arabic outside the project's own fixtures and samples
is text from elsewhere (the real-report set keeps facts, urls and queries only; texts live in a cache)."""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Our own writing: lexicons and gazetteer (words and names), test sentences, demo samples, templates, docs.
OWN_WRITING = ("marsad/data/", "marsad/demo/samples/", "tests/", "benchmarks/templates.yaml", "docs/", "data-src/",
               "marsad/serve/", "tools/fuzz.py")
ARABIC_RUN = re.compile(r"(?:[\u0621-\u064A\u0660-\u0669\d]{2,}[\s\u060C\u061B.:]+){12,}")  # 12+ words in a row


def without_queries(jsonl: str) -> str:
    """A gold file's lines without their `query`: the exact look-up that finds a text is a fact the
    set must keep (eval/real/README.md); everything else in the line is scanned."""
    lines = [json.loads(line) for line in jsonl.splitlines() if line.strip()]
    return "\n".join(json.dumps({k: v for k, v in line.items() if k != "query"}, ensure_ascii=False)
                     for line in lines)


def tracked_files() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked files cannot be listed")
    return out.splitlines()


def test_no_long_arabic_run_outside_our_own_writing():
    found = []
    for name in tracked_files():
        if name.startswith(OWN_WRITING):
            continue
        try:
            text = (REPO / name).read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        if name.startswith("eval/") and name.endswith(".jsonl"):
            text = without_queries(text)
        found += [f"{name}: {m.group()[:40]}…" for m in ARABIC_RUN.finditer(text)]
    assert not found, "runs of 12+ Arabic words (article text?):\n" + "\n".join(found)


def test_the_check_finds_a_sentence():
    sentence = "قصفت طائرة مسيرة مجهولة مواقع في ريف المدينة الشرقي صباح اليوم وأفادت مصادر محلية بسقوط جرحى"
    assert ARABIC_RUN.search(sentence)
    assert not ARABIC_RUN.search("اليوم الأحد 2 من آب")
    line = json.dumps({"query": "x " * 20, "note": "short"})
    assert "query" not in without_queries(line)
    assert not ARABIC_RUN.search('"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و"')


CACHE = Path(os.environ.get("MARSAD_REAL_CACHE", Path.home() / ".cache" / "marsad-real"))
RUN = 40  # characters in a window compared with the cached reports
STEP = 20  # windows of the reports taken every STEP characters: any shared run of RUN + STEP - 1 is found


def _without_facts(name: str, text: str) -> str:
    """A gold file's lines without the look-up query and the url, which are facts copied on purpose."""
    if not (name.startswith("eval/") and name.endswith(".jsonl")):
        return text
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    return "\n".join(json.dumps({k: v for k, v in line.items() if k not in ("query", "url")}, ensure_ascii=False)
                     for line in lines)


def test_no_committed_file_shares_a_passage_with_a_cached_report():
    """Where the real reports are cached (a developer's machine), no tracked file (golden cases, gold notes,
    code comments, demo samples) repeats a passage of one: 59 characters in a row are a copied sentence."""
    texts = [json.loads(f.read_text(encoding="utf-8")).get("text") or "" for f in CACHE.glob("*/*.json")]
    if not texts:
        pytest.skip(f"no cached real reports in {CACHE}: nothing to compare with (a clone and CI have none)")
    windows = {t[i:i + RUN] for t in texts for i in range(0, max(1, len(t) - RUN + 1), STEP)}
    found = []
    for name in tracked_files():
        try:
            text = _without_facts(name, (REPO / name).read_text(encoding="utf-8"))
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        hit = next((text[i:i + RUN] for i in range(len(text) - RUN + 1) if text[i:i + RUN] in windows), None)
        if hit is not None:
            found.append(f"{name}: …{hit}…")
    assert not found, "passages of cached reports in the repository:\n" + "\n".join(found)
