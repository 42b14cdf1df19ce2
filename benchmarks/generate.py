"""Write a synthetic corpus of Arabic news reports for benchmarking marsad.

Texts are assembled from the templates and vocabularies in ``templates.yaml``,
written for this project, so the corpus can be regenerated anywhere and
shared freely. Each document depends only on ``(seed, index)``: the 20 first
documents of a 2000-document corpus are the 20-document corpus of that seed.

    python benchmarks/generate.py --n 2000 --out benchmarks/out/corpus [--seed 1] [--size 4096]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

TEMPLATES = Path(__file__).with_name("templates.yaml")
DEFAULT_BOUNDS = (2048, 6144)  # bytes of UTF-8 text when no --size is given
SIZE_TOLERANCE = 0.1  # with --size S, documents fall in [0.9 S, 1.1 S]
NON_ATTACK_EVERY = 5  # one document in each block of five reports no attack
FIRST_DAY, LAST_DAY = date(2021, 1, 1), date(2024, 12, 31)
COUNTRY_WEIGHTS = {"SY": 3, "IQ": 2}
ATTACK_KIND_WEIGHTS = {"ground": 2, "air": 1}
DATE_KIND_WEIGHTS = {"today": 4, "yesterday": 3, "last_week": 1.5, "explicit": 1.5}
SLOT = re.compile(r"\{(\w+)\}")
FRESH_SUFFIX = "_other"  # {town_other}: a fresh draw that ignores the story's town
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
MANIFEST = "manifest.jsonl"


@dataclass(frozen=True)
class SyntheticDoc:
    """One generated report; ``attack`` says whether it reports an attack."""

    doc_id: str
    text: str
    published: date
    outlet: str
    attack: bool
    lang: str = "ar"

    def manifest_row(self, path: str) -> dict[str, str]:
        return {"doc_id": self.doc_id, "path": path, "published": self.published.isoformat(),
                "outlet": self.outlet, "lang": self.lang}


@lru_cache(maxsize=None)
def load_templates(path: Path = TEMPLATES) -> dict[str, Any]:
    """Read the templates once; a template naming an unknown slot is refused."""
    templates = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = sorted(undefined_slots(templates))
    if unknown:
        raise ValueError(f"{path.name}: templates use undefined slots {unknown}")
    return templates


def undefined_slots(templates: dict[str, Any]) -> set[str]:
    """Slot names used by a template that no vocabulary or computed value fills."""
    known = set(templates["slots"]) | set(templates["computed_slots"])
    used: set[str] = set()
    for section in ("attack", "non_attack", "filler", "slots"):
        for text in _strings(templates[section]):
            used.update(SLOT.findall(text))
    return {name for name in used if name.removesuffix(FRESH_SUFFIX) not in known}


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


def _nbytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Writer:
    """Fills one document's templates; story slots keep one value per document."""

    def __init__(self, templates: dict[str, Any], rng: random.Random, country: str,
                 bound: dict[str, str]) -> None:
        self.t = templates
        self.rng = rng
        self.country = country
        self.bound = bound
        self.story = set(templates["story_slots"])

    def fill(self, template: str, depth: int = 0) -> str:
        if depth > 3:  # a vocabulary that names itself would never end
            raise ValueError(f"slots nest too deep in {template!r}")
        return SLOT.sub(lambda m: self._slot(m.group(1), depth), template)

    def _slot(self, name: str, depth: int) -> str:
        if name in self.bound:
            return self.bound[name]
        choices = self.t["slots"][name.removesuffix(FRESH_SUFFIX)]
        if isinstance(choices, dict):
            choices = choices[self.country]
        value = self.fill(self.rng.choice(choices), depth + 1)
        if name in self.story:
            self.bound[name] = value
        return value


def _month_start(day: date, months_back: int) -> date:
    first = day.replace(day=1)
    for _ in range(months_back):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


def _day_in_month(rng: random.Random, first: date) -> date:
    following = (first + timedelta(days=32)).replace(day=1)
    return first + timedelta(days=rng.randrange((following - first).days))


def _fill_date(rng: random.Random, form: str, templates: dict[str, Any], published: date,
               months_back: int) -> str:
    """A date phrase whose weekday or month agrees with the publication day."""
    weekdays, months = templates["weekdays"]["names"], templates["months"]["names"]
    earlier = _day_in_month(rng, _month_start(published, months_back))
    day = str(earlier.day)
    values = {
        "weekday": weekdays[published.weekday()],
        "weekday_prev": weekdays[(published - timedelta(days=1)).weekday()],
        # Outlets mix digit sets: "في ١٢ من آذار" must parse like "في 12 من آذار".
        "day": day.translate(ARABIC_INDIC) if rng.random() < 0.25 else day,
        "month": months[earlier.month - 1],
    }
    return SLOT.sub(lambda m: values[m.group(1)], form)


def _is_attack(seed: int, index: int) -> bool:
    """Exactly one document per block of NON_ATTACK_EVERY reports no attack."""
    block = random.Random(f"{seed}:block:{index // NON_ATTACK_EVERY}")
    return index % NON_ATTACK_EVERY != block.randrange(NON_ATTACK_EVERY)


def size_bounds(size: int | None) -> tuple[int, int]:
    """Allowed byte range of a document for a requested size (None: 2–6 KB)."""
    if size is None:
        return DEFAULT_BOUNDS
    return round(size * (1 - SIZE_TOLERANCE)), round(size * (1 + SIZE_TOLERANCE))


def make_doc(seed: int, index: int, size: int | None = None,
             templates: dict[str, Any] | None = None) -> SyntheticDoc:
    """Generate document ``index`` of the corpus for ``seed``."""
    t = templates or load_templates()
    rng = random.Random(f"{seed}:{index}")
    attack = _is_attack(seed, index)
    published = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    outlet = rng.choice(t["outlets"])
    low, high = size_bounds(size)
    target = size if size is not None else rng.randint(low, high)

    base = rng.choice(t["bases"])
    kind = _weighted(rng, ATTACK_KIND_WEIGHTS) if attack else "none"
    country = base["country"] if kind == "ground" else _weighted(rng, COUNTRY_WEIGHTS)
    if kind != "ground":  # the background may still name a base: one of this country
        base = rng.choice([b for b in t["bases"] if b["country"] == country])
    bound = {
        "base": base["base"],
        "date": _fill_date(rng, rng.choice(t["date_forms"][_weighted(rng, DATE_KIND_WEIGHTS)]),
                           t, published, months_back=1),
        "recall_date": _fill_date(rng, rng.choice(t["recall_forms"]), t, published,
                                  months_back=rng.randint(2, 3)),
    }
    if kind == "ground":
        bound.update(area=base["area"], province=base["province"])
    writer = _Writer(t, rng, country, bound)

    if attack:
        story = t["attack"][kind]
        title = writer.fill(rng.choice(story["titles"]))
        lead = [writer.fill(rng.choice(story["leads"]))]
        lead += [writer.fill(s) for s in rng.sample(story["details"], k=rng.randint(1, 2))]
        groups = ["background", "politics", "economy", "quotes"]
    else:
        topic = rng.choice(t["non_attack"])
        title = writer.fill(rng.choice(topic["titles"]))
        lead = [writer.fill(rng.choice(topic["leads"]))]
        groups = ["politics", "economy", "quotes"]
    if rng.random() < 0.5:  # a dateline, as many outlets open with "دير الزور – "
        lead[0] = f"{writer.fill('{province}')} – {lead[0]}"

    parts = [title, " ".join(lead)]
    parts += _grow(writer, groups, _nbytes("\n\n".join(parts) + "\n"), target, high)
    text = "\n\n".join(parts) + "\n"
    doc_id = f"{index:05d}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"
    return SyntheticDoc(doc_id, text, published, outlet, attack)


def _grow(writer: _Writer, groups: list[str], size: int, target: int, high: int) -> list[str]:
    """Filler paragraphs until the text reaches ``target`` bytes, never past ``high``."""
    rng, filler = writer.rng, writer.t["filler"]
    unused = {group: list(filler[group]) for group in groups}  # no repeats until a group runs out
    paragraphs: list[str] = []
    open_groups = list(groups)
    while size < target and open_groups:
        group = rng.choice([g for g in open_groups if unused[g]] or open_groups)
        wanted = rng.randint(2, 4)
        fresh = unused[group]
        pool = fresh or filler[group]
        sentences: list[str] = []
        for template in rng.sample(pool, k=len(pool)):
            if len(sentences) == wanted or size >= target:
                break
            sentence = writer.fill(template)
            cost = _nbytes(sentence) + (1 if sentences else 2)  # " " inside, "\n\n" before
            if size + cost <= high:
                sentences.append(sentence)
                size += cost
                if template in fresh:
                    fresh.remove(template)
        if sentences:
            paragraphs.append(" ".join(sentences))
        else:  # nothing of this group fits under the upper bound any more
            open_groups.remove(group)
    return paragraphs


def generate(n: int, seed: int = 1, size: int | None = None) -> list[SyntheticDoc]:
    """The first ``n`` documents of the corpus for ``seed``."""
    templates = load_templates()
    return [make_doc(seed, i, size, templates) for i in range(n)]


def write_corpus(docs: list[SyntheticDoc], out: Path) -> Path:
    """Write ``docs/<doc_id>.txt`` and the manifest under ``out``; return the manifest."""
    (out / "docs").mkdir(parents=True, exist_ok=True)
    rows = []
    for doc in docs:
        relative = f"docs/{doc.doc_id}.txt"
        (out / relative).write_bytes(doc.text.encode("utf-8"))
        rows.append(json.dumps(doc.manifest_row(relative), ensure_ascii=False))
    manifest = out / MANIFEST
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, required=True, help="number of documents")
    parser.add_argument("--out", type=Path, required=True, help="corpus directory")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", type=int, default=None,
                        help="about this many bytes per document (default: 2-6 KB)")
    args = parser.parse_args(argv)
    docs = generate(args.n, args.seed, args.size)
    manifest = write_corpus(docs, args.out)
    total = sum(_nbytes(d.text) for d in docs)
    attacks = sum(d.attack for d in docs)
    print(f"wrote {len(docs)} documents ({total / 1024:.0f} KB, {attacks} attack reports) "
          f"and {manifest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
