"""Train the screening model (`referrals/screening/model/weights.json`) from the labelled sets.

    .venv/bin/pip install -e '.[screening-model]'     # scikit-learn: for training only
    .venv/bin/python tools/train_screening.py          # retrain and write the weights file
    .venv/bin/python tools/train_screening.py --check  # also print leave-one-set-out scores

What it does (see referrals/screening/model/README.md for why):

1. Every text of the labelled sets (`SETS`, from `tests/referrals/data/sets.json`; never the
   untouched blind sets) is read by the current rules first, so that the words of idioms and
   denials are masked as at screening time, then turned into features by
   `referrals.screening.model.features`.
2. One L2-regularised logistic regression per label (the nine needs, and `concern`, the gate:
   tier moderate or above), on binary features scaled by 1/sqrt(number of features).
3. Thresholds come from leave-one-set-out scores: each set scored by a model trained on the
   other sets, i.e. on phrasings it never saw (the situation the layer exists for).
   - a need: the threshold that maximises that need's F1 out of fold, plus `NEED_MARGIN`
     (0 since the training sets reached 3,000 texts: out of fold, each step of the margin from
     1.25 down to 0 raised primary orientation, sentinel recall and needs F1, and below 0 they
     fell);
   - `suicide_risk`, the crisis detector: the lowest threshold that makes a crisis of at most
     `CRISIS_BENIGN` of the ordinary (tier none) texts out of fold. It holds whatever the
     rules or the gate say: a new author's crises are mostly indirect, the rules see distress
     or nothing in them, and the detector scored on sets it never saw tells them from distress
     better than the gate does. In a text where the rules explained words away (an idiom, a
     denial) it needs more: above the out-of-fold score of every ordinary text where they
     explained words away too, plus `EXPLAINED_MARGIN`;
   - the gate: the lowest threshold letting through at most `GATE_BENIGN` of the ordinary
     (tier none) texts; where the rules are silent, no other need is added with the gate shut.
4. The final model is trained on every regression set and written as plain JSON: feature ->
   weight per label, rounded, with the intercepts, thresholds and tiers. Runtime screening reads
   it with the standard library only.

Same data, same rules and same scikit-learn give the same file (the solver's seed is fixed).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from scipy import sparse  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from referrals.screening import engine  # noqa: E402
from referrals.screening import rules as rule_files  # noqa: E402
from referrals.screening.model import (  # noqa: E402
    CONCEPTS_PATH,
    CONCERN,
    FORMAT,
    MODEL_PATH,
    Settings,
    counts,
    parse_model,
)
from referrals.screening.result import NEEDS, TIER_RANK, TIERS  # noqa: E402

DATA = ROOT / "tests" / "referrals" / "data"
# Every labelled set (`sets.json`) but the untouched blind sets, which are never read here.
_PARTS = json.loads((DATA / "sets.json").read_text(encoding="utf-8"))
SETS = (*_PARTS["strict"], *_PARTS["newer"])
UNTOUCHED = _PARTS["untouched"]
LABELS = (*NEEDS, CONCERN)
SIZE_FLOOR = 150  # a five-word text has about 40 features, a twenty-word one about 200
FLAGGED = {"moderate", "high", "crisis"}

SETTINGS = Settings(word_ngrams=(1, 3), char_ngrams=(4, 6), size_floor=SIZE_FLOOR, concepts=True)
C = 30.0  # inverse regularisation strength (leave-one-set-out: 10 to 100 score alike)
NEED_MARGIN = 0.0
CRISIS_BENIGN = 0.03
EXPLAINED_MARGIN = 0.5
GATE_BENIGN = 0.025
DECIMALS = 4
MIN_DF = 1  # a feature is kept if at least this many texts have it
PRUNE = 0.1  # weights closer to zero are dropped: a file of 3 MB instead of 9, same scores


def load(name: str) -> list[dict]:
    if name in UNTOUCHED:
        raise SystemExit(f"{name} is an untouched blind set: never train on it")
    with (DATA / f"{name}.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def featurise(rows: list[dict]) -> tuple[list[dict[str, int]], list[bool]]:
    """The feature values of each text as screening sees them (idioms and denials masked), and
    whether the rules explained words of it away (the texts the `explained` threshold is for)."""
    features, explained = [], []
    for row in rows:
        tokens, found = engine.find(row["text"], row.get("lang"))
        features.append(counts(tokens, found.masked, SETTINGS))
        explained.append(bool(found.masked))
    return features, explained


def targets(rows: list[dict]) -> np.ndarray:
    return np.array(
        [[need in r["needs"] for need in NEEDS] + [r["tier"] in FLAGGED] for r in rows], dtype=int
    )


def matrix(feats: list[dict], vocab: dict[str, int]) -> sparse.csr_matrix:
    """Feature values over `vocab`, each row scaled by 1/sqrt(the sum of its values, at least
    the size floor): the definition of `Model.score_counts`."""
    rows, cols, values = [], [], []
    for i, found in enumerate(feats):
        size = max(sum(found.values()), SETTINGS.size_floor)
        scale = 1 / math.sqrt(size) if size else 0.0
        for feature, value in found.items():
            j = vocab.get(feature)
            if j is not None:
                rows.append(i), cols.append(j), values.append(value * scale)
    return sparse.csr_matrix((values, (rows, cols)), shape=(len(feats), len(vocab)))


def fit(feats: list[dict], y: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    df: dict[str, int] = {}
    for found in feats:
        for feature in found:
            df[feature] = df.get(feature, 0) + 1
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in df.items() if n >= MIN_DF))}
    x = matrix(feats, vocab)
    coefs, intercepts = [], []
    for j in range(y.shape[1]):
        model = LogisticRegression(
            C=C, class_weight="balanced", solver="liblinear", max_iter=10_000, random_state=0
        )
        model.fit(x, y[:, j])
        coefs.append(np.where(np.abs(model.coef_[0]) >= PRUNE, model.coef_[0], 0.0))
        intercepts.append(model.intercept_[0])
    return np.array(coefs), np.array(intercepts), vocab


def out_of_fold(
    feats: dict[str, list[dict]], ys: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Each set's scores from a model trained on the other sets."""
    scores = []
    for held in SETS:
        train = [n for n in SETS if n != held]
        coefs, intercepts, vocab = fit(
            [f for n in train for f in feats[n]], np.vstack([ys[n] for n in train])
        )
        scores.append(matrix(feats[held], vocab) @ coefs.T + intercepts)
    return np.vstack(scores), np.vstack([ys[n] for n in SETS])


def best_f1_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    grid = np.round(np.arange(-3.0, 3.0, 0.05), 2)
    f1 = [
        2 * ((scores >= t) & (truth == 1)).sum() / ((scores >= t).sum() + truth.sum()) for t in grid
    ]
    return float(grid[int(np.argmax(f1))])


def thresholds(
    scores: np.ndarray, truth: np.ndarray, explained_texts: np.ndarray
) -> tuple[dict, dict]:
    """Each label's threshold, and the crisis detector's threshold in a text where the rules
    explained words away (`explained_texts`, one boolean per row)."""
    benign = truth.sum(axis=1) == 0
    chosen = {}
    for j, need in enumerate(NEEDS):
        chosen[need] = best_f1_threshold(scores[:, j], truth[:, j]) + NEED_MARGIN
    suicide = scores[benign, NEEDS.index("suicide_risk")]
    chosen["suicide_risk"] = above(suicide, CRISIS_BENIGN)
    chosen[CONCERN] = above(scores[benign, -1], GATE_BENIGN)
    explained_ordinary = scores[benign & explained_texts, NEEDS.index("suicide_risk")]
    explained = {"suicide_risk": float(explained_ordinary.max()) + EXPLAINED_MARGIN}
    return (
        {k: round(v, 3) for k, v in chosen.items()},
        {k: round(v, 3) for k, v in explained.items()},
    )


def above(benign_scores: np.ndarray, rate: float) -> float:
    """The lowest threshold that at most `rate` of these (ordinary texts') scores reach."""
    ranked = np.sort(benign_scores)[::-1]
    return float(ranked[int(math.floor(rate * len(ranked)))]) + 0.01


def label_tiers(rows: list[dict]) -> dict[str, str]:
    """The tier a need added by the model takes: the median tier of the texts where it is the
    only need (or, with fewer than five, of all texts with it, crises aside)."""
    tiers = {}
    for need in NEEDS:
        alone = [TIER_RANK[r["tier"]] for r in rows if r["needs"] == [need]]
        some = [
            TIER_RANK[r["tier"]]
            for r in rows
            if need in r["needs"] and (r["tier"] != "crisis" or need == "suicide_risk")
        ]
        ranks = sorted(alone if len(alone) >= 5 else some)
        tiers[need] = TIERS[ranks[(len(ranks) - 1) // 2]]
    return tiers


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def export(coefs, intercepts, vocab, chosen, explained, tiers) -> dict:
    names = sorted(vocab, key=vocab.__getitem__)
    weights = {}
    for j, label in enumerate(LABELS):
        rounded = ((names[k], round(float(w), DECIMALS)) for k, w in enumerate(coefs[j]))
        kept = sorted(((f, w) for f, w in rounded if w), key=lambda fw: (-abs(fw[1]), fw[0]))
        weights[label] = dict(kept)
    return {
        "about": "Learned screening layer: linear scores per label over word and letter "
        "n-grams and concepts, written by tools/train_screening.py (see README.md beside this "
        "file). Do not edit by hand: retrain.",
        "format": FORMAT,
        "trained_on": {name: sha256(DATA / f"{name}.jsonl") for name in SETS},
        # The rules mask idioms and denials before the model reads a text: change a rule file,
        # retrain (tests/referrals/test_screening_model.py checks that the two agree).
        "rules": {
            name: sha256(rule_files.RULES_DIR / f"{name}.json")
            for name in ("common", *rule_files.LANGUAGES)
        },
        # The concepts decide what `k:` features mean: change that file, retrain.
        "concepts": sha256(CONCEPTS_PATH),
        "scikit_learn": sklearn.__version__,
        "settings": {
            "C": C,
            "need_margin": NEED_MARGIN,
            "crisis_benign": CRISIS_BENIGN,
            "explained_margin": EXPLAINED_MARGIN,
            "gate_benign": GATE_BENIGN,
            "min_df": MIN_DF,
            "prune": PRUNE,
        },
        "features": {
            "word_ngrams": list(SETTINGS.word_ngrams),
            "char_ngrams": list(SETTINGS.char_ngrams),
            "size_floor": SETTINGS.size_floor,
            "concepts": SETTINGS.concepts,
        },
        "labels": list(LABELS),
        "intercepts": {
            label: round(float(b), DECIMALS) for label, b in zip(LABELS, intercepts, strict=True)
        },
        "thresholds": chosen,
        "explained": explained,
        "tiers": tiers,
        "weights": weights,
    }


def train(thresholds_of: dict | None = None) -> dict:
    """The weights file's content, from the labelled sets and the current rules. Given a
    weights file's content (`thresholds_of`), its thresholds are kept instead of being chosen
    out of fold again (one fit instead of thirteen: the quick reproducibility check)."""
    rows = {name: load(name) for name in SETS}
    read = {name: featurise(rows[name]) for name in SETS}
    feats = {name: read[name][0] for name in SETS}
    ys = {name: targets(rows[name]) for name in SETS}
    if thresholds_of is None:
        masked = np.array([m for name in SETS for m in read[name][1]])
        chosen, explained = thresholds(*out_of_fold(feats, ys), masked)
    else:
        chosen, explained = thresholds_of["thresholds"], thresholds_of["explained"]
    everything = [r for name in SETS for r in rows[name]]
    coefs, intercepts, vocab = fit(
        [f for name in SETS for f in feats[name]], np.vstack([ys[n] for n in SETS])
    )
    return export(coefs, intercepts, vocab, chosen, explained, label_tiers(everything))


def dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def check(data: dict, historic: str | None) -> None:
    """Leave-one-set-out: each set screened by the rules and a model that never saw it."""
    sys.path.insert(0, str(ROOT / "tests" / "referrals"))
    from metrics import score  # the metrics of ../shared/referrals/score.py

    def report(name: str, rows: list[dict], learned) -> str:
        pred = {
            r["id"]: engine.screen_with(
                learned, r["text"], r.get("lang"), r.get("context")
            ).as_dict()
            for r in rows
        }
        m = score({r["id"]: r for r in rows}, pred)
        return (
            f"{name:8s} crisis {m.crisis_recall:.3f} benign {m.benign_false_flag:.3f} "
            f"primary {m.primary:.3f} sentinel {m.sentinel_recall:.3f} needs F1 {m.needs_f1:.3f}"
        )

    rows = {name: load(name) for name in SETS}
    feats = {name: featurise(rows[name])[0] for name in SETS}
    ys = {name: targets(rows[name]) for name in SETS}
    print("leave one set out (rules + a model trained on the other sets):")
    for held in SETS:
        train_sets = [n for n in SETS if n != held]
        coefs, intercepts, vocab = fit(
            [f for n in train_sets for f in feats[n]], np.vstack([ys[n] for n in train_sets])
        )
        tiers = label_tiers([r for n in train_sets for r in rows[n]])
        fold = export(coefs, intercepts, vocab, data["thresholds"], data["explained"], tiers)
        print("  " + report(held, rows[held], parse_model(fold, Path(f"fold-{held}"))))
    if historic:
        _historic(historic, rows, report)


def _historic(revision: str, rows: dict, report) -> None:
    """The rules as they were at `revision` (before blind_a was written), and a model trained
    on the sets written before blind_a: how rules + model would have scored blind_a blind."""
    before = [n for n in SETS if n != "blind_a"]
    with tempfile.TemporaryDirectory() as folder:
        for name in ("common", "fr", "nl", "en"):
            path = f"referrals/screening/rules/{name}.json"
            source = subprocess.run(
                ["git", "show", f"{revision}:{path}"], cwd=ROOT, capture_output=True, check=True
            ).stdout
            (Path(folder) / f"{name}.json").write_bytes(source)
        current = rule_files.RULES_DIR
        rule_files.RULES_DIR = Path(folder)
        rule_files.packs.cache_clear(), rule_files.policy.cache_clear()
        try:
            read = {n: featurise(rows[n]) for n in before}
            fs = {n: read[n][0] for n in before}
            ys = {n: targets(rows[n]) for n in before}
            coefs, intercepts, vocab = fit(
                [f for n in before for f in fs[n]], np.vstack([ys[n] for n in before])
            )
            scores, truth = [], []
            for held in before:
                others = [n for n in before if n != held]
                c, b, v = fit(
                    [f for n in others for f in fs[n]], np.vstack([ys[n] for n in others])
                )
                scores.append(matrix(fs[held], v) @ c.T + b), truth.append(ys[held])
            masked = np.array([m for n in before for m in read[n][1]])
            chosen, explained = thresholds(np.vstack(scores), np.vstack(truth), masked)
            tiers = label_tiers([r for n in before for r in rows[n]])
            learned = parse_model(
                export(coefs, intercepts, vocab, chosen, explained, tiers), Path("historic")
            )
            print(f"blind_a, rules of {revision} (before blind_a was written):")
            print("  rules alone:   " + report("blind_a", rows["blind_a"], None))
            print("  rules + model: " + report("blind_a", rows["blind_a"], learned))
        finally:
            rule_files.RULES_DIR = current
            rule_files.packs.cache_clear(), rule_files.policy.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--check", action="store_true", help="print leave-one-set-out scores")
    parser.add_argument(
        "--historic",
        metavar="REV",
        help="with --check: also score blind_a with the rules of git revision REV (ff06ace: "
        "the last rules written before blind_a) and a model trained on the older sets",
    )
    # What leave-one-set-out chose between (see the model README); for experiments, with --out
    # elsewhere: the shipped file is trained with the defaults.
    experiments = parser.add_argument_group("experiments (the defaults made the shipped file)")
    experiments.add_argument("--crisis-benign", type=float, default=CRISIS_BENIGN)
    experiments.add_argument("--need-margin", type=float, default=NEED_MARGIN)
    experiments.add_argument("--gate-benign", type=float, default=GATE_BENIGN)
    experiments.add_argument("--prune", type=float, default=PRUNE)
    experiments.add_argument("--min-df", type=int, default=MIN_DF)
    experiments.add_argument("--size-floor", type=int, default=SIZE_FLOOR)
    experiments.add_argument("--c", type=float, default=C, help="inverse regularisation")
    experiments.add_argument(
        "--no-concepts", action="store_true", help="word and letter n-grams alone"
    )
    args = parser.parse_args()
    globals().update(
        CRISIS_BENIGN=args.crisis_benign,
        NEED_MARGIN=args.need_margin,
        GATE_BENIGN=args.gate_benign,
        PRUNE=args.prune,
        MIN_DF=args.min_df,
        C=args.c,
        SETTINGS=dataclasses.replace(
            SETTINGS, size_floor=args.size_floor, concepts=not args.no_concepts
        ),
    )
    data = train()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dump(data), encoding="utf-8")
    sizes = {label: len(w) for label, w in data["weights"].items()}
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes); features per label {sizes}")
    print(f"thresholds {data['thresholds']}; explained {data['explained']}; tiers {data['tiers']}")
    if args.check:
        check(data, args.historic)


if __name__ == "__main__":
    main()
