"""The learned second opinion (policy.learned): shipped in step with the question sets,
read in pure Python exactly as scikit-learn fitted it, and optional."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policy import learned
from policy.qa import ANSWERED, NONE, QAEngine
from policy.training import HELD_OUT, digest, fit, rows, training_files


@pytest.fixture(scope="module")
def plain() -> QAEngine:
    engine = QAEngine(model=None)
    engine.warm()
    return engine


def test_the_shipped_model_is_the_one_the_question_sets_give(plain: QAEngine) -> None:
    model = learned.load()
    assert model is not None
    files = training_files()
    assert all(p.name not in HELD_OUT for p in files)
    # A set added or corrected, or a change to how questions are read, needs `make model`.
    assert model.trained_on == digest(rows(files, plain)), "run `make model`"


def test_pure_python_reading_equals_scikit_learn(plain: QAEngine, tmp_path: Path) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    files = training_files()
    training = rows([f for f in files if f.name.startswith(("blindA", "blindB", "tuning2"))], plain)
    held = rows([f for f in files if f.name.startswith("blindC")], plain)[:60]
    model = fit(training)
    # the same vectorizer, fitted again, and the same classifier through scikit-learn
    from policy.training import MIN_DF

    vectorizer = TfidfVectorizer(analyzer=learned.analyze, sublinear_tf=True, min_df=MIN_DF).fit(
        [r.text for r in training]
    )
    assert {str(g) for g in vectorizer.vocabulary_} == set(model.idf)
    # the character n-grams are scikit-learn's own "char_wb" analyzer's, exactly
    char_wb = TfidfVectorizer(analyzer="char_wb", ngram_range=learned.NGRAMS).build_analyzer()
    for row in held:
        assert learned.char_wb_ngrams(row.text) == char_wb(row.text)
        ours = model.features(row.text)
        theirs = vectorizer.transform([row.text])
        expected = {str(g): theirs[0, i] for g, i in vectorizer.vocabulary_.items() if theirs[0, i]}
        assert ours.keys() == expected.keys()
        assert all(abs(ours[g] - expected[g]) < 1e-9 for g in ours)
    # written and read back as shipped: the same guesses
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    again = learned.load(path)
    assert again is not None
    for row in held:
        for head in ("article", "kind"):
            a = model.guess(head, model.features(row.text))
            b = again.guess(head, again.features(row.text))
            assert a.label == b.label and abs(a.probability - b.probability) < 1e-2


def test_the_article_head_agrees_with_scikit_learn_probabilities(plain: QAEngine) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from policy.training import ARTICLE_C, MIN_DF

    training = rows([f for f in training_files() if f.name.startswith("blindA")], plain)
    model = fit(training)
    vectorizer = TfidfVectorizer(analyzer=learned.analyze, sublinear_tf=True, min_df=MIN_DF)
    matrix = vectorizer.fit_transform([r.text for r in training])
    clf = LogisticRegression(C=ARTICLE_C, max_iter=5000).fit(matrix, [r.label for r in training])
    for question in ("补助有多少钱", "工作室要建哪些台账", "Who interprets the regulation?"):
        _, text = plain.prepare(question)
        text = plain.model_text(text)
        probabilities = clf.predict_proba(vectorizer.transform([text]))[0]
        best = int(probabilities.argmax())
        guess = model.guess("article", model.features(text))
        assert guess.label == str(clf.classes_[best])
        assert abs(guess.probability - probabilities[best]) < 1e-4


def test_without_a_model_the_lexical_engine_answers_alone(tmp_path: Path) -> None:
    assert learned.load(tmp_path / "absent.json") is None
    engine = QAEngine(model=None)
    reply = engine.reply("工作室要建哪些台账")
    assert reply.parts[0].kind == ANSWERED and reply.parts[0].article == 11
    assert engine.reply("职工生病请假怎么算工资？").parts[0].kind == NONE


def test_an_english_question_is_read_in_its_own_words_too(plain: QAEngine) -> None:
    _, text = plain.prepare("What logbooks does the studio have to keep?")
    assert plain.model_text(text).endswith("what logbooks does the studio have to keep?")
    read = learned.analyze(plain.model_text(text))
    assert "w:logbooks" in read and "w:have to" in read
    _, chinese = plain.prepare("工作室要建哪些台账")
    assert plain.model_text(chinese) == chinese


def test_two_english_questions_with_the_same_translation_keep_their_own_words() -> None:
    engine = QAEngine()
    logbooks = "What logbooks does the studio have to keep?"
    focus = "Which problems is a studio expected to focus its innovation on?"
    assert engine.prepare(logbooks)[1] == engine.prepare(focus)[1]  # the phrase map: 工作室?
    assert engine.reply(logbooks).parts[0].article == 11
    assert engine.reply(focus).parts[0].article == 4
    # The reply forgotten (as the full cache forgets) while the read is still remembered:
    # answered anew after the second, the first is still read in its own words.
    engine._cached_reply.cache_clear()
    again = engine.reply(logbooks)
    assert again.parts[0].article == 11, again.parts[0].reason
