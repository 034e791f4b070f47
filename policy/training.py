"""Training the learned second opinion (policy.learned) from the labelled question sets.

Used offline only, by ``make model`` (scripts/train_qa.py), the cross-validation script and
the test that checks the shipped model is the one these sets give.  scikit-learn is a
development dependency, imported here lazily; the bot never imports this module.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policy.eval import LEGACY_OUT, read_cases
from policy.learned import LearnedModel, _Head, analyze
from policy.qa import ANSWERED, MULTI, NONE, SILENT, QAEngine

QUESTION_DIR = Path(__file__).resolve().parents[1] / "tests" / "policy"
# Never trained on: the last blind sets stay untouched, the honest estimates (issue 10).
HELD_OUT = frozenset({"blindI_questions.tsv", "blindJ_questions.tsv"})
MIN_DF = 2
ARTICLE_C = 40.0
KIND_C = 10.0
PRUNE = 0.005  # weights this small change no probability visibly


@dataclass(frozen=True)
class Row:
    source: str
    text: str  # as the engine reads it (QAEngine.prepare)
    label: str  # "1".."19", "notice" or "0"
    kind: str  # answered | silent | none


def training_files(directory: Path = QUESTION_DIR) -> list[Path]:
    return sorted(p for p in directory.glob("*_questions.tsv") if p.name not in HELD_OUT)


def rows(files: Iterable[Path], engine: QAEngine) -> list[Row]:
    found: list[Row] = []
    for path in files:
        for case in read_cases(path):
            kind = case.effective_kind
            if kind == MULTI:
                continue  # a message of several questions teaches no one label
            _, prepared = engine.prepare(case.question)
            text = engine.model_text(prepared)
            if kind in (NONE, LEGACY_OUT) or case.expected == "0":
                found.append(Row(path.name, text, "0", NONE))
            else:
                found.append(Row(path.name, text, case.expected, kind))
    return found


def digest(training: Sequence[Row]) -> str:
    h = hashlib.sha256()
    for row in training:
        h.update(f"{row.text}\t{row.label}\t{row.kind}\n".encode())
    return h.hexdigest()[:16]


def _head(classifier: Any, vocabulary: dict[str, int]) -> _Head:
    coef = classifier.coef_
    weights: dict[str, tuple[float, ...]] = {}
    for gram, column in vocabulary.items():
        row = tuple(float(x) for x in coef[:, column])
        if max(abs(x) for x in row) >= PRUNE:
            weights[gram] = row
    return _Head(
        classes=tuple(str(c) for c in classifier.classes_),
        intercept=tuple(float(x) for x in classifier.intercept_),
        weights=weights,
    )


def fit(training: Sequence[Row]) -> LearnedModel:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=analyze, sublinear_tf=True, min_df=MIN_DF)
    matrix = vectorizer.fit_transform([r.text for r in training])
    vocabulary = {str(g): int(i) for g, i in vectorizer.vocabulary_.items()}
    article = LogisticRegression(C=ARTICLE_C, max_iter=5000)
    article.fit(matrix, [r.label for r in training])
    in_scope = [i for i, r in enumerate(training) if r.kind in (ANSWERED, SILENT)]
    kind = LogisticRegression(C=KIND_C, max_iter=5000, class_weight="balanced")
    kind.fit(matrix[in_scope], [training[i].kind for i in in_scope])
    idf = {g: float(vectorizer.idf_[i]) for g, i in vocabulary.items()}
    heads = {"article": _head(article, vocabulary), "kind": _head(kind, vocabulary)}
    return LearnedModel(idf, heads, digest(training))
