"""Would a learned decision beat the rules at telling a real incident from an invented one?

    pip install -e '.[train]'
    python tools/learned_decision.py            # the figures
    python tools/learned_decision.py --write    # and the model marsad ships (marsad/data/models/)

Issue 13 asks for a learned decision wherever one beats the hand rules on the untouched
test split. This trains the decision nearest to the event list an analyst sees: is an
event marsad predicts one the gold codes (the scorer matches it), or one the text does
not tell? A logistic regression over features the rules already compute (what the text
states of the event, how many outlets tell it, how crowded its document is) is fitted on
`dev` only and then compared with the rules' confidence (marsad.export.confidence) on
every set, by how well each ranks real events above invented ones (average precision,
ROC AUC) and by events (all) P/R/F1 when the events the model scores below a threshold
are dropped. `--write` writes the weights, the threshold dev prefers and these figures to
the data file marsad.export.probability reads; the README's "Accuracy on real reports"
says what the last run showed. Needs ../shared (the scorer) and the cached texts, like
tools/real_eval.py.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from marsad.export.probability import MODEL_FILE, features

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("real_eval", HERE / "real_eval.py")
real_eval = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(real_eval)

DROP_BELOW = (0.0, 0.3, 0.5, 0.7)


def labelled(score, gold: list[dict], texts: dict[str, str], places: dict) -> tuple[list[tuple[dict, float, bool]], int]:
    """(features, the rules' confidence, matched a gold event) for each event predicted on the set, and how
    many gold events the set requires (the recall's denominator)."""
    events, accounts = real_eval.run_store(gold, texts)
    ids = {g["doc_id"] for g in gold}
    events = [e for e in events if score.pred_docs(e) & ids]
    per_doc: dict[str, int] = {}
    for cand in accounts.values():
        per_doc[cand.doc_id] = per_doc.get(cand.doc_id, 0) + 1
    golds = score.gold_events(gold)
    # An event matched to a gold event coded optional is neither right nor wrong for the scorer: left out.
    matched = {pi: golds[gi].optional for gi, pi in score.match(golds, events, places).items()}
    rows = []
    for i, e in enumerate(events):
        if matched.get(i):
            continue
        cands = [accounts[r["report_id"]] for r in e["reports"]]
        outlets = {r.get("outlet") or r["doc_id"] for r in e["reports"]}
        rows.append((features(cands, outlets, min(per_doc[c.doc_id] for c in cands)), e["confidence"], i in matched))
    return rows, sum(1 for g in golds.values() if not g.optional)


def f1_dropping(p, y, gold_events: int, below: float) -> float:
    """events (all) F1 on a set when the events the model scores under ``below`` are left out."""
    kept = p >= below
    tp, fp = int((y & kept).sum()), int((~y & kept).sum())
    prec, rec = tp / max(1, tp + fp), tp / max(1, gold_events)
    return 2 * prec * rec / max(1e-9, prec + rec)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=real_eval.SHARED)
    ap.add_argument("--cache", type=Path, default=real_eval.CACHE)
    ap.add_argument("--write", action="store_true",
                    help="write the fitted model to marsad/" + "/".join(MODEL_FILE) + ", the threshold dev prefers")
    args = ap.parse_args(argv)
    try:
        import numpy as np
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import average_precision_score, roc_auc_score
    except ImportError:
        sys.exit("learned_decision: needs scikit-learn: pip install -e '.[train]'")
    score = real_eval.load_scorer(args.shared)
    data = {}
    for name, (gold, folder, places_file) in real_eval.sets(args.shared, args.cache).items():
        kept, texts = real_eval.cached(gold, folder)
        if kept:
            data[name] = labelled(score, kept, texts, json.loads(places_file.read_text(encoding="utf-8")))
    if "dev" not in data:
        sys.exit("learned_decision: no cached dev texts to train on (tools/real_eval.py --missing)")
    names = list(data["dev"][0][0][0])

    def matrix(rows):
        return (np.array([[f[n] for n in names] for f, _, _ in rows]), np.array([c for _, c, _ in rows]),
                np.array([y for _, _, y in rows]))

    x, _, y = matrix(data["dev"][0])
    model = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    print("trained on dev: weight of each feature")
    for n, w in sorted(zip(names, model.coef_[0]), key=lambda t: -abs(t[1])):
        print(f"  {n:22} {w:+.2f}")
    print("\nset      events  real   avg precision learned/rules   ROC AUC learned/rules")
    measured = {}
    for name, (rows, gold_events) in data.items():
        x, rules, y = matrix(rows)
        learned = model.predict_proba(x)[:, 1]
        measured[name] = {"events": len(y), "real": int(y.sum()),
                          "roc_auc": [round(roc_auc_score(y, learned), 3), round(roc_auc_score(y, rules), 3)],
                          "f1_dropping": {str(t): round(f1_dropping(learned, y, gold_events, t), 3) for t in DROP_BELOW}}
        print(f"{name:8} {len(y):6} {int(y.sum()):5}   {average_precision_score(y, learned):.3f} / "
              f"{average_precision_score(y, rules):.3f}         {roc_auc_score(y, learned):.3f} / "
              f"{roc_auc_score(y, rules):.3f}")
    print("\nevents (all) F1 when the events the model scores below p are dropped")
    print("set      " + "  ".join(f"p<{t:.1f}" for t in DROP_BELOW))
    for name, m in measured.items():
        print(f"{name:8} " + "  ".join(f"{m['f1_dropping'][str(t)]:.3f}" for t in DROP_BELOW))
    if args.write:
        # The threshold is chosen on dev, the set trained on: test and holdout only measure it.
        threshold = max(DROP_BELOW, key=lambda t: measured["dev"]["f1_dropping"][str(t)])
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=HERE).stdout.strip()
        out = HERE.parent / "marsad" / Path(*MODEL_FILE)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({
            "about": "marsad.export.probability: logistic regression telling an event the coded real reports "
                     "tell from one they do not; the threshold is the one dev's events (all) F1 prefers",
            "source": f"tools/learned_decision.py --write at commit {commit}, fitted on eval/real dev "
                      f"({measured['dev']['events']} predicted events); threshold chosen on dev",
            "threshold": threshold,
            "intercept": round(float(model.intercept_[0]), 4),
            "weights": {n: round(float(w), 4) for n, w in zip(names, model.coef_[0])},
            "measured": {"roc_auc": "learned, rules' confidence", **measured},
        }, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nwrote {out} (threshold {threshold})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
