"""Score marsad on real reports: ../shared/realdev and the project's own set (eval/real), dev, test, holdout.

    python tools/real_eval.py                 # the three sets side by side, and what to fix on dev
    python tools/real_eval.py --missing       # which cached texts are missing, with the look-up to rebuild each
    python tools/real_eval.py --json          # the figures as JSON (for the README table)
    python tools/real_eval.py --confidence    # events P/R/F1 when only events this confident (or probable) are kept

The texts are not in the repository: each is the excerpt a stored-pages look-up returns
for the gold line's `query`, picked by its `url`, cached as `<cache>/<set>/<doc_id>.json` =
`{"doc_id", "url", "text"}` (eval/real/README.md has the recipe). Documents whose text is
not cached are left out and counted. The `test` and `holdout` splits are scored only: their
confusion listing is never printed, so that nobody writes rules against them.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CACHE = Path.home() / ".cache" / "marsad-real"
OWN_GOLD = REPO / "eval" / "real" / "gold.jsonl"
OWN_PLACES = REPO / "eval" / "real" / "places.json"
THRESHOLDS = (0.0, 0.6, 0.8, 1.0)  # the rules' confidence (marsad.export.confidence)
PROBABILITIES = (0.3, 0.5)  # the learned model's probability (marsad.export.probability)
# dev is read for rules; test and holdout are only scored (holdout: coded after the rules it measures)
SPLITS = ("dev", "test", "holdout")
SHOWN = ("date", "place", "sub_event_type", "weapon", "attacker", "attribution", "target_actor",
         "launched", "killed", "injured")


def load_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_scorer(shared: Path):
    path = shared / "eval" / "score.py"
    if not path.exists():
        sys.exit(f"real_eval: the scorer {path} is not there (it comes with ../shared); nothing scored")
    spec = importlib.util.spec_from_file_location("marsad_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sets(shared: Path, cache: Path) -> dict[str, tuple[list[dict], Path, Path]]:
    """name → (gold lines, folder of cached texts, places file)."""
    out = {}
    realdev = shared / "realdev" / "gold.jsonl"
    if realdev.exists():
        out["realdev"] = (load_jsonl(realdev), cache / "realdev", shared / "realdev" / "places.json")
    own = load_jsonl(OWN_GOLD)
    for split in SPLITS:
        lines = [g for g in own if g["split"] == split]
        if lines or split != "holdout":
            out[split] = (lines, cache / "realset", OWN_PLACES)
    return out


def cached(gold: list[dict], folder: Path) -> tuple[list[dict], dict[str, str]]:
    """The gold lines whose text is cached, and their texts."""
    kept, texts = [], {}
    for g in gold:
        path = folder / f"{g['doc_id']}.json"
        if path.exists():
            texts[g["doc_id"]] = json.loads(path.read_text(encoding="utf-8"))["text"]
            kept.append(g)
    return kept, texts


def run_marsad(gold: list[dict], texts: dict[str, str]) -> list[dict]:
    """Ingest the documents into a fresh store, as `marsad ingest` of a manifest would, and export its events."""
    return run_store(gold, texts)[0]


def run_store(gold: list[dict], texts: dict[str, str]) -> tuple[list[dict], dict]:
    """The exported events, and report_id → the stored account (Candidate) behind each report."""
    from marsad.run import ingest_items
    from marsad.settings import Settings
    from marsad.store.store import Store
    from marsad.types import Article

    articles = [Article(doc_id=g["doc_id"], source=f"{g['doc_id']}.json", text=texts[g["doc_id"]], url=g.get("url"),
                        outlet=g.get("outlet"), lang=g.get("lang"),
                        published=date.fromisoformat(g["published"]) if g.get("published") else None)
                for g in gold]
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "real.db") as store:
        ingest_items(store, articles, Settings())
        return store.events(), {rid: cand for rid, cand, _ in store.reports(None)}


def confusion(score, gold: list[dict], preds: list[dict], places: dict) -> list[str]:
    """Per field, the matched events marsad got wrong (gold vs predicted), then the misses and the inventions."""
    golds = score.gold_events(gold)
    ids = {g["doc_id"] for g in gold}
    preds = [p for p in preds if score.pred_docs(p) & ids]
    pairs = score.match(golds, preds, places)
    lines = []
    for name in SHOWN:
        wrong = []
        for gid, pi in sorted(pairs.items()):
            if score.field_result(golds[gid], preds[pi], places, name) is False:
                stated = [r.get(_gold_key(name)) for r in golds[gid].reports.values()]
                wrong.append(f"    {gid} [{', '.join(sorted(golds[gid].reports))}]: gold {_short(stated)} "
                             f"· marsad {_short(_predicted(preds[pi], name))}")
        if wrong:
            lines.append(f"  {name}: {len(wrong)} wrong")
            lines.extend(wrong)
    missed = [g for g in golds.values() if g.eid not in pairs and not g.optional]
    if missed:
        lines.append(f"  missed gold events: {len(missed)}")
        lines.extend(f"    {g.eid} ({'main' if g.main else 'background'}) in {', '.join(sorted(g.reports))}"
                     for g in missed)
    matched = set(pairs.values())
    invented = [p for i, p in enumerate(preds) if i not in matched]
    if invented:
        lines.append(f"  predicted events matching no gold event: {len(invented)}")
        for p in invented:
            roles = sorted({r.get("role") for r in p.get("reports", [])})
            lines.append(f"    {', '.join(sorted(score.pred_docs(p)))}: {p.get('date')} "
                         f"{(p.get('location') or {}).get('name')} {p.get('sub_event_type')} ({'/'.join(roles)})")
    return lines


def _gold_key(name: str) -> str:
    return {"weapon": "weapons"}.get(name, name)


def _predicted(pred: dict, name: str):
    if name == "place":
        return (pred.get("location") or {}).get("name")
    if name == "weapon":
        return pred.get("weapons")
    if name == "launched":
        return (pred.get("munitions") or {}).get("launched")
    if name in ("killed", "injured"):
        return {c["party"]: c[name] for c in pred.get("casualties") or [] if c.get(name) is not None}
    return pred.get(name)


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 70 else text[:67] + "…"


def table(results: dict[str, dict]) -> list[str]:
    names = list(results)
    rows = [("documents scored", lambda r: f"{r['documents']}/{r['of']}")]
    rows += [(f"events ({k}) {m}", (lambda k, i: lambda r: f"{r['score'][f'events_{k}'][i]:.3f}")(k, i))
             for k in ("main", "all") for i, m in enumerate(("P", "R", "F1"))]
    rows += [(f"  {f}", (lambda f: lambda r: "-" if r["score"]["fields"][f][0] is None
                         else f"{r['score']['fields'][f][0]:.3f}")(f))
             for f in next(iter(results.values()))["score"]["fields"]]
    rows += [("field mean", lambda r: f"{r['score']['field_mean']:.3f}"),
             ("merging F1", lambda r: f"{r['score']['merge_pairs'][2]:.3f}"),
             ("gold document pairs", lambda r: str(r["score"]["gold_pairs"]))]
    out = [f"{'':<22}" + "".join(f"{n:>10}" for n in names)]
    out += [f"{label:<22}" + "".join(f"{get(results[n]):>10}" for n in names) for label, get in rows]
    return out


def confidence_table(results: dict[str, dict]) -> list[str]:
    """Events (main / all) P, R, F1 per set when only events at least this confident, or this probable, are kept."""
    out = ["| kept | set | events (main) P / R / F1 | events (all) P / R / F1 |", "|---|---|---|---|"]
    for key, label, thresholds in (("by_confidence", "confidence", THRESHOLDS),
                                   ("by_probability", "probability", PROBABILITIES)):
        for t in thresholds:
            for name, r in results.items():
                s = r[key][t]
                cells = [" / ".join(f"{x:.2f}" for x in s[k]) for k in ("events_main", "events_all")]
                out.append(f"| {label} ≥ {t:.1f} | {name} | {cells[0]} | {cells[1]} |")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared folder (default ../shared)")
    ap.add_argument("--cache", type=Path, default=CACHE, help="where the texts are cached (default %(default)s)")
    ap.add_argument("--missing", action="store_true", help="list the documents whose text is not cached")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--confidence", action="store_true",
                    help="events P/R/F1 at confidence thresholds " + ", ".join(map(str, THRESHOLDS))
                    + " and probability thresholds " + ", ".join(map(str, PROBABILITIES)))
    args = ap.parse_args(argv)
    chosen = sets(args.shared, args.cache)
    if args.missing:
        for name, (gold, folder, _) in chosen.items():
            for g in gold:
                if not (folder / f"{g['doc_id']}.json").exists():
                    print(json.dumps({"set": name, "doc_id": g["doc_id"], "query": g["query"], "url": g["url"],
                                      "write_to": str(folder / f"{g['doc_id']}.json")}, ensure_ascii=False))
        return 0
    score = load_scorer(args.shared)
    results, listing = {}, []
    for name, (gold, folder, places_file) in chosen.items():
        kept, texts = cached(gold, folder)
        if not kept:
            print(f"{name}: no cached text in {folder} (see --missing)", file=sys.stderr)
            continue
        places = json.loads(places_file.read_text(encoding="utf-8"))
        preds = run_marsad(kept, texts)
        results[name] = {"documents": len(kept), "of": len(gold), "score": score.score(kept, preds, places)}
        results[name]["by_confidence"] = {
            t: score.score(kept, [p for p in preds if p["confidence"] >= t], places) for t in THRESHOLDS}
        results[name]["by_probability"] = {
            t: score.score(kept, [p for p in preds if p["probability"] >= t], places) for t in PROBABILITIES}
        if name == "dev":
            listing = confusion(score, kept, preds, places)
    if not results:
        return 1
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
        return 0
    if args.confidence:
        print("\n".join(confidence_table(results)))
        return 0
    print("\n".join(table(results)))
    if listing:
        print("\ndev: what marsad gets wrong (gold vs marsad)")
        print("\n".join(listing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
