"""A second opinion learned from labelled questions (issue 10).

The lexical engine (policy.qa) reads a question through hand-made synonyms and context
rules; each new way of asking cost another pass over them.  This module adds what ~4,500
questions written blind by people who never saw the engine teach: a linear classifier over
character 1–3-grams and English words and word pairs (TF-IDF, logistic regression), with
two heads:

- ``article``: which article answers the question ("1".."19"), the notice header
  ("notice") or nothing in the regulation ("0");
- ``kind``: whether the article it is about states the point asked ("answered") or only
  the topic ("silent").

It is trained offline with scikit-learn (``make model``, scripts/train_qa.py) and shipped
as ``policy/data/qa_model.json``; at run time it is pure Python: a few dozen n-grams per
question, one sparse dot product per class.  The engine decides when to follow it
(policy.qa, thresholds fitted by leave-one-set-out cross-validation).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("data") / "qa_model.json"
NGRAMS = (1, 3)
_WHITE = re.compile(r"\s\s+")


def char_wb_ngrams(text: str, low: int = NGRAMS[0], high: int = NGRAMS[1]) -> list[str]:
    """scikit-learn's ``analyzer="char_wb"`` n-grams, exactly (lower-cased, space-padded words)."""
    grams: list[str] = []
    for word in _WHITE.sub(" ", text.lower()).split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[offset : offset + n])
            while offset + n < size:
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:  # a word shorter than n is counted once
                break
    return grams


_ENGLISH_WORD = re.compile(r"[a-z][a-z']+")


def analyze(text: str) -> list[str]:
    """What the model reads of a question: character 1–3-grams, and English words and word
    pairs (an English question is read in its own words as well as in translation)."""
    words = _ENGLISH_WORD.findall(text.lower())
    return [
        *char_wb_ngrams(text),
        *(f"w:{w}" for w in words),
        *(f"w:{a} {b}" for a, b in itertools.pairwise(words)),
    ]


@dataclass(frozen=True)
class Guess:
    label: str
    probability: float


@dataclass(frozen=True)
class _Head:
    classes: tuple[str, ...]
    intercept: tuple[float, ...]
    # n-gram -> its weight for each class (binary heads: one weight, for classes[1])
    weights: dict[str, tuple[float, ...]]

    def guess(self, features: dict[str, float]) -> Guess:
        scores = list(self.intercept)
        for gram, value in features.items():
            row = self.weights.get(gram)
            if row is not None:
                for i, w in enumerate(row):
                    scores[i] += value * w
        if len(self.classes) == 2 and len(scores) == 1:
            p = 1.0 / (1.0 + math.exp(-scores[0]))
            return Guess(self.classes[1], p) if p >= 0.5 else Guess(self.classes[0], 1.0 - p)
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        best = max(range(len(scores)), key=scores.__getitem__)
        return Guess(self.classes[best], exps[best] / sum(exps))


class LearnedModel:
    def __init__(self, idf: dict[str, float], heads: dict[str, _Head], trained_on: str) -> None:
        self.idf = idf
        self.heads = heads
        self.trained_on = trained_on  # digest of the training questions (scripts/train_qa.py)

    def features(self, text: str) -> dict[str, float]:
        """TF-IDF with sublinear term frequency and L2 norm, as the vectorizer was fitted."""
        counts = Counter(g for g in analyze(text) if g in self.idf)
        vector = {g: (1.0 + math.log(c)) * self.idf[g] for g, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values()))
        return {g: v / norm for g, v in vector.items()} if norm else {}

    def guess(self, head: str, features: dict[str, float]) -> Guess:
        """``features``: the question read once (``features(text)``) for every head."""
        return self.heads[head].guess(features)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> LearnedModel:
        idf = {g: float(v) for g, v in dict(data["idf"]).items()}  # type: ignore[call-overload]
        heads = {}
        for name, head in dict(data["heads"]).items():  # type: ignore[call-overload]
            heads[name] = _Head(
                classes=tuple(head["classes"]),
                intercept=tuple(float(x) for x in head["intercept"]),
                weights={g: tuple(float(x) for x in row) for g, row in head["weights"].items()},
            )
        return cls(idf, heads, str(data["trained_on"]))

    def to_json(self) -> dict[str, object]:
        return {
            "trained_on": self.trained_on,
            "idf": {g: round(v, 4) for g, v in sorted(self.idf.items())},
            "heads": {
                name: {
                    "classes": list(head.classes),
                    "intercept": [round(x, 4) for x in head.intercept],
                    "weights": {g: [round(x, 4) for x in row] for g, row in head.weights.items()},
                }
                for name, head in self.heads.items()
            },
        }


def load(path: Path = MODEL_FILE) -> LearnedModel | None:
    """The shipped model, or None when it is absent (the engine then decides alone)."""
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as f:
        return LearnedModel.from_json(json.load(f))
