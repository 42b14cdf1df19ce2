"""Drive random and mutated Arabic, English and HTML input through the per-document pipeline.

    python tools/fuzz.py --n 1000000 [--seed 1] [--report every]

Each input is cleaned (text, or HTML through the extractor) and extracted; the
run fails on any exception other than marsad's own IngestError (a clear
refusal of bad input is the right answer) and on any evidence span that does
not reproduce its text. Seeds are the project's own demo reports and a few
hand-written sentences; mutations insert, delete and swap characters drawn
from Arabic letters, harakat, tatweel, both digit scripts, punctuation, HTML
tags and control characters.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date
from importlib import resources
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from marsad.clean.text import make_doc  # noqa: E402
from marsad.errors import MarsadError  # noqa: E402
from marsad.ingest.decode import decode_bytes  # noqa: E402
from marsad.pipeline import process_doc  # noqa: E402
from marsad.settings import Settings  # noqa: E402
from marsad.types import Article  # noqa: E402

SNIPPETS = [
    "استهدفت ثلاثة صواريخ قاعدة حقل العمر فجر اليوم الخميس.",
    "قُتل جنديان وأصيب ٣ آخرون بانفجار عبوة ناسفة قرب الشدادي أمس.",
    "أسقطت الدفاعات الجوية طائرتين مسيّرتين فوق قاعدة عين الأسد، بحسب مصدر أمني.",
    "Two drones struck the al-Tanf garrison on Tuesday, CENTCOM said.",
    "وكانت القاعدة قد تعرضت الأسبوع الماضي لقصف بقذائف الهاون من بادية الميادين.",
    "<p>ردت قوات التحالف بقصف مواقع الميليشيات في البوكمال</p>",
]
ALPHABET = (list("ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأؤإئىة") + list("ًٌٍَُِّْـ") + list("٠١٢٣٤٥٦٧٨٩0123456789")
            + list("،؛؟.,:!\"'«»()[]-–—/\\ \n\t") + ["<p>", "</p>", "<script>", "<br>", "&amp;", "&#x627;", "\u200f",
                                                   "\u200b", "\x00", "\ufeff", "🇮🇶", "ﻻ", "ﷲ", "İ", "ß"])


def seeds() -> list[str]:
    folder = resources.files("marsad").joinpath("demo", "samples")
    texts = list(SNIPPETS)
    for line in folder.joinpath("manifest.jsonl").read_text(encoding="utf-8").splitlines():
        raw = folder.joinpath(json.loads(line)["path"]).read_bytes()
        texts.append(decode_bytes(raw, "seed"))
    return texts


def mutate(rng: random.Random, text: str) -> str:
    """A few random edits, sometimes a slice, sometimes two texts spliced."""
    if rng.random() < 0.3:
        a = rng.randrange(len(text) + 1)
        text = text[a:a + rng.randint(0, 600)]
    chars = list(text)
    for _ in range(rng.randint(0, 12)):
        op = rng.random()
        pos = rng.randrange(len(chars) + 1)
        if op < 0.5:
            chars.insert(pos, rng.choice(ALPHABET))
        elif op < 0.8 and chars:
            del chars[min(pos, len(chars) - 1)]
        elif chars:
            i, j = rng.randrange(len(chars)), rng.randrange(len(chars))
            chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)


def check(doc_id: str, text: str, html: bool, settings: Settings) -> None:
    article = Article(doc_id, "fuzz", html=text if html else None, text=None if html else text,
                      published=date(2024, 1, 4))
    try:
        doc = make_doc(article, settings)
    except MarsadError:
        return  # refused with a reason: that is the right answer for junk
    for cand in process_doc(doc, settings):
        for e in cand.evidence:
            if doc.text[e.start:e.end] != e.text:
                raise AssertionError(f"{doc_id}: evidence {e.field} {e.start}:{e.end} «{e.text}» does not match")


def run(n: int, seed: int, every: int) -> int:
    rng = random.Random(seed)
    pool = seeds()
    settings = Settings()
    started = time.time()
    for i in range(n):
        text = mutate(rng, rng.choice(pool))
        if rng.random() < 0.2:
            text = mutate(rng, text + " " + rng.choice(pool))
        html = rng.random() < 0.15
        try:
            check(f"fuzz-{i}", f"<html><body><p>{text}</p></body></html>" if html else text, html, settings)
        except Exception as exc:  # report the input that broke it, then stop
            print(f"FAILED at input {i} (seed {seed}): {type(exc).__name__}: {exc}\n{text!r}", file=sys.stderr)
            return 1
        if every and (i + 1) % every == 0:
            print(f"{i + 1} inputs, {time.time() - started:.0f} s", flush=True)
    print(f"{n} inputs, no crash, every evidence span reproduced its text ({time.time() - started:.0f} s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--report", type=int, default=100000, help="print progress every N inputs")
    args = ap.parse_args(argv)
    return run(args.n, args.seed, args.report)


if __name__ == "__main__":
    sys.exit(main())
