"""Retrieval Q&A over the regulation: BM25 over article text, topic words and example questions.

An answer cites the best-matching article when the question shows no
out-of-scope signal and the article's vocabulary explains enough of the
question's content words (filler and question particles are stopwords; words
the index has never seen weigh a moderate fixed amount; a word matched only
through its character bigrams earns partial credit), or explains a fair share
of it while clearly beating the runner-up.  Otherwise it is "not covered" and
cites nothing.  A wrong confident answer is worse than an honest "not covered".
"""

from __future__ import annotations

import functools
import logging
import math
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace

from policy import answers, english, knowledge, learned
from policy.answers import ART6_ALL, NOTICE_UNIT, Unit, clause_unit
from policy.knowledge import NOTICE, OUT_OF_SCOPE
from policy.regulation import ARTICLE_COUNT, Regulation, load_regulation, parse_article_number
from policy.text import (
    DOMAIN_WORDS,
    MAX_QUESTION_CHARS,
    SYNONYMS,
    PhoneText,
    Tokenizer,
    apply_synonyms,
    normalize,
)

log = logging.getLogger(__name__)

# BM25 parameters: short documents, so length normalisation is damped.
_K1 = 1.2
_B = 0.4
# Calibrated on the public dev set and our own tuning set (see tests/policy).
MIN_COVERAGE = 0.5  # share of the question's weight the cited article's vocabulary explains
MIN_SCORE = 2.5  # raw BM25 of the best unit
# A clear winner may cite with less coverage: it beats the runner-up by this
# ratio, scores at least this BM25 and still explains this share of the question.
MIN_MARGIN = 1.3
MIN_MARGIN_SCORE = 6.0
MIN_MARGIN_COVERAGE = 0.3
MIN_EVIDENCE = 2.0  # IDF mass of the question the cited label must explain ("工作室" alone is not)
UNKNOWN_WEIGHT = 2.5  # weight of a word the index has never seen
BIGRAM_CREDIT = 0.6  # credit for a word matched only through its character bigrams
TIE_RATIO = 0.85  # labels scoring within this share of the best are compared on coverage
RELATED_RATIO = 0.6  # a runner-up scoring this share of the best is suggested first
# Concepts: the words of an article's own text and topic words that at most CONCEPT_DF
# articles share.  A question naming such a concept of one article only is about that
# article even when its other words (a situation, filler, dialect) dilute the coverage.
CONCEPT_DF = 2
CONCEPT_MIN = 3.0  # IDF mass of the best article's concepts the question must name
CONCEPT_COVERAGE = 0.3  # and the share of the question its vocabulary still explains
CONCEPT_LEAD = 1.5  # and this many times the concepts it names of any other article
OUT_OF_SCOPE_MARGIN = 0.8  # an article within this share of an out-of-scope example still wins

_ARTICLE_REF = re.compile(r"第\s*([0-9]{1,3}|[零〇一二两三四五六七八九十百]{1,4})\s*条")
_ARTICLE_REF_EN = re.compile(r"\b(?:article|art\.?)\s*([0-9]{1,3})\b")
_CLAUSE_REF = re.compile(r"第\s*([一二三四五1-5])\s*(?:项|款|个|条|点)|[(（]([一二三四五1-5])[)）]")
_CONDITION = re.compile(r"(条件|第六条|第6条)")
_CLAUSE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
_SENTENCE_END = re.compile(r"(?<=。)")


ANSWERED = "answered"
SILENT = "silent"
NONE = "none"
MULTI = "multi"
MAX_PARTS = 3
WEAK_SPLIT_CONFIDENCE = 0.7  # each piece of an unpunctuated run-on must be this clear
# ... unless it asks three times ("帮不帮转化 会不会宣传 能优先吗"): then this clear
CLEAR = 0.5  # the whole's article must explain this share of the last clause to keep it
CLEAR_PIECE = 0.8  # a run-on piece the whole leaves unexplained must be this well explained
# Replies remembered per engine: a reply is a pure function of (message, previous) once the
# index is built, and people ask the same few questions; re-answering one costs ~1 ms.
REPLY_CACHE = 4096
# Following the learned model (policy.learned), fitted by leave-one-set-out
# cross-validation on the blind sets (scripts/crossvalidate_qa.py):
LEARNED_SWITCH = 0.5  # its article over the engine's, when this sure
LEARNED_REFUSE = 0.6  # "not covered" over the engine's article, when this sure
LEARNED_RESCUE = 0.7  # an article where the engine found none
LEARNED_SILENT = 0.6  # "silent" where the engine would answer
LEARNED_ANSWERED = 0.75  # "answered" where the engine's rules said silent
# English reaches the engine through a phrase map that loses words; the model reads the
# question's own words too, so it is followed sooner there.
LEARNED_SWITCH_EN = 0.2
LEARNED_RESCUE_EN = 0.2
GENERIC_MISSING = "point"  # policy.answers.MISSING_*: "the point asked"


@dataclass(frozen=True)
class Answer:
    covered: bool
    article: int | None
    about_notice: bool
    quote: str
    clause: int | None
    related: tuple[int, ...]
    asks_deadline: bool
    score: float
    # Context worth showing under the quote (e.g. the issue date for Art. 19).
    note: str = ""
    # Why the engine decided so; for debugging and the eval's miss list.
    reason: str = ""
    # answered | silent (the article covers the topic, not the point asked) | none
    kind: str = ANSWERED
    # The facet asked for that the cited text does not state (silent answers).
    missing: str = ""
    # The parts of the regulation quoted, for their one-sentence gist (policy.answers).
    units: tuple[Unit, ...] = ()
    # The question (or the part of a message) this answers, as understood.
    question: str = ""


@dataclass(frozen=True)
class Reply:
    """Everything said in answer to one message: one part per question in it."""

    parts: tuple[Answer, ...]
    lang: str  # "zh" or "en": the language of the question
    # The question as understood (a follow-up completed from the previous one);
    # the chat keeps it to understand the next follow-up.
    question: str

    @property
    def kind(self) -> str:
        return MULTI if len(self.parts) > 1 else self.parts[0].kind


@dataclass
class _Unit:
    label: int
    clause: int | None
    kind: str  # "text", "keywords" or "example"
    tf: Counter[str]
    length: int


@dataclass
class _Index:
    units: list[_Unit]
    idf: dict[str, float]
    unknown_idf: float
    avg_length: float
    vocab: dict[int, set[str]] = field(default_factory=dict)
    sentences: dict[int, list[tuple[str, frozenset[str]]]] = field(default_factory=dict)
    concepts: dict[int, frozenset[str]] = field(default_factory=dict)
    # token -> (unit's position, its BM25 term for that token): a question's few tokens
    # touch few units, so ranking adds up only those (see _rank).
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    # Each label's first unit, in the order labels first appear among the units.
    first_units: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Ranked:
    label: int
    score: float
    unit: _Unit


_SHIPPED = object()  # QAEngine(model=...) default: the model shipped in policy/data


class QAEngine:
    def __init__(self, regulation: Regulation | None = None, model: object = _SHIPPED) -> None:
        self.regulation = regulation if regulation is not None else load_regulation()
        # The learned second opinion (policy.learned); None: the lexical engine alone.
        self.model: learned.LearnedModel | None = (
            learned.load() if model is _SHIPPED else model  # type: ignore[assignment]
        )
        self._tokenizer = Tokenizer()
        self._phone = PhoneText()
        self._index: _Index | None = None
        self._lock = threading.Lock()
        self._cached_reply = functools.lru_cache(maxsize=REPLY_CACHE)(self._reply)
        self._cached_read = functools.lru_cache(maxsize=REPLY_CACHE)(self._read)
        # An English question's translation -> its own words, which the learned model also
        # reads (it was trained on both; the translation alone loses what the phrase table
        # does not know).  Bounded: cleared when full.
        self._english: dict[str, str] = {}

    def forget(self) -> None:
        """Drop remembered replies (after changing the module's thresholds, as calibration does)."""
        self._cached_reply.cache_clear()
        self._cached_read.cache_clear()

    # -- building ---------------------------------------------------------

    def warm(self) -> None:
        if self._index is not None:
            return
        with self._lock:
            if self._index is None:
                self._tokenizer.warm()
                index = self._build()
                words = {t[2:] for t in index.idf if t.startswith("w:")}
                self._phone.warm(self._terms(), words | set(SYNONYMS) | set(SYNONYMS.values()))
                self._index = index

    def _terms(self) -> set[str]:
        """The regulation's own words and the curated topic words: what a typo may mean."""
        reg = self.regulation
        texts = [a.text for a in reg.articles] + [t.keywords for t in knowledge.TOPICS]
        terms = set(DOMAIN_WORDS)
        for text in texts:
            terms.update(self._tokenizer.words(apply_synonyms(normalize(text))))
        return terms

    def _tokens(self, text: str) -> list[str]:
        return self._tokenizer.tokens(apply_synonyms(normalize(text)))

    def _unit(self, label: int, kind: str, text: str, clause: int | None = None) -> _Unit:
        tokens = self._tokens(text)
        return _Unit(label=label, clause=clause, kind=kind, tf=Counter(tokens), length=len(tokens))

    def _build(self) -> _Index:
        reg = self.regulation
        notice = reg.notice
        units = [
            self._unit(
                NOTICE,
                "text",
                f"{notice.doc_number} {notice.title} {notice.addressees} {notice.body} "
                f"{notice.issuer} {notice.issued_on.year}年{notice.issued_on.month}月"
                f"{notice.issued_on.day}日",
            )
        ]
        for article in reg.articles:
            units.append(self._unit(article.number, "text", article.text))
            for clause in article.clauses:
                units.append(self._unit(article.number, "text", clause.text, clause.number))
        for topic in knowledge.TOPICS:
            if topic.keywords:
                units.append(self._unit(topic.label, "keywords", topic.keywords, topic.clause))
            for example in topic.examples:
                units.append(self._unit(topic.label, "example", example, topic.clause))

        df: Counter[str] = Counter()
        for unit in units:
            df.update(unit.tf.keys())
        n = len(units)
        idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        index = _Index(
            units=units,
            idf=idf,
            unknown_idf=math.log(1 + (n + 0.5) / 0.5),
            avg_length=sum(u.length for u in units) / n,
        )
        for i, unit in enumerate(units):
            index.vocab.setdefault(unit.label, set()).update(unit.tf)
            index.first_units.setdefault(unit.label, i)
            norm = _K1 * (1 - _B + _B * unit.length / index.avg_length)
            for token, tf in unit.tf.items():
                if tf:
                    term = idf[token] * tf * (_K1 + 1) / (tf + norm)
                    index.postings.setdefault(token, []).append((i, term))
        index.concepts = self._concepts()
        for article in reg.articles:
            parts = [s for s in _SENTENCE_END.split(article.text) if s.strip()]
            index.sentences[article.number] = [(s, frozenset(self._tokens(s))) for s in parts]
        return index

    def _concepts(self) -> dict[int, frozenset[str]]:
        """Each article's distinctive words: in its text or title, in few articles."""
        words: dict[int, set[str]] = {}
        for article in self.regulation.articles:
            # its text, and its short title ("制定目的", "工作目标"): what it is about
            text = f"{article.text} {article.gist_zh}"
            words.setdefault(article.number, set()).update(self._concept_words(text))
        df = Counter(w for ws in words.values() for w in ws)
        return {
            label: frozenset(w for w in ws if df[w] <= CONCEPT_DF) for label, ws in words.items()
        }

    def _concept_words(self, text: str) -> set[str]:
        return {g[0] for g in self._tokenizer.groups(apply_synonyms(normalize(text)))}

    def _concept_weight(self, groups: list[tuple[str, ...]], label: int) -> float:
        assert self._index is not None
        concepts = self._index.concepts.get(label, frozenset())
        return sum(self._group_weight(g) for g in groups if g[0] in concepts)

    # -- answering --------------------------------------------------------

    def prepare(self, question: str) -> tuple[str, str]:
        """The question's language and its plain, simplified Chinese text.

        English is carried into the regulation's vocabulary (policy.english);
        traditional characters, emoji, dialect and pinyin typos are made plain.
        """
        self.warm()
        text = normalize(question)
        lang = "en" if english.is_english(text) else "zh"
        if lang == "en":
            source = unicodedata.normalize("NFKC", question).lower()
            text = normalize(english.to_chinese(text))
        text = normalize(self._phone.clean(text))
        self._read_in(text, " ".join(source.split()) if lang == "en" else None)
        return lang, text

    def _read_in(self, text: str, words: str | None) -> None:
        """The words the model reads a prepared question in beside ``text``: an English
        question's own (``words``); a Chinese one's never those of an English one that came
        out the same (or, like "👍", empty)."""
        if words is None:
            self._english.pop(text, None)
            return
        if len(self._english) >= REPLY_CACHE:
            self._english.clear()
        self._english[text] = words

    def model_text(self, text: str) -> str:
        """What the learned model reads for a prepared question: for English, the
        translation and the question's own words."""
        source = self._english.get(text)
        return f"{text} {source}" if source else text

    def answer(self, question: str) -> Answer:
        """One question, answered as one part (no splitting, no follow-up)."""
        self.warm()
        if not isinstance(question, str):
            return _not_covered("not text")
        _, text = self.prepare(question)
        return replace(self._answer(text), question=text)

    def reply(self, message: str, previous: str | None = None) -> Reply:
        """A whole chat message: up to three questions, or a follow-up to ``previous``."""
        self.warm()
        if not isinstance(message, str):
            return Reply((_not_covered("not text"),), "zh", "")
        if previous is not None and not isinstance(previous, str):
            return self._reply(message, previous)
        if previous and self._cached_read(message)[3] is not None:
            return self._cached_reply(message, previous)
        # Not a follow-up: the previous question plays no part, so everyone shares the reply.
        return self._cached_reply(message, None)

    def _read(self, message: str) -> tuple[str, str, str, str | None, str | None]:
        """The message as typed, its language, its plain text, its follow-up topic, and
        (English) its own words."""
        # As typed (NFKC, spaces collapsed, case kept): what each part is headed with.
        raw = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", message)).strip()
        raw = raw[:MAX_QUESTION_CHARS]
        lang, text = self.prepare(message)
        words = self._english.get(text) if lang == "en" else None
        return raw, lang, text, _follow_up_topic(raw, lang, text), words

    def _reply(self, message: str, previous: str | None) -> Reply:
        raw, lang, text, topic, words = self._cached_read(message)
        if previous and topic is not None:
            _, before = self.prepare(previous)
            for candidate in _follow_up_candidates(topic, before):
                answer = self._answer(candidate)
                if answer.kind != NONE:
                    return Reply((replace(answer, question=raw),), lang, candidate)
        # A remembered read skipped prepare(): the model reads this message's own words,
        # not another English question's that translated to the same terms.
        self._read_in(text, words)
        whole = self._answer(text)
        parts = self._split(raw, lang, whole)
        if parts:
            return Reply(parts, lang, parts[-1].question)
        return Reply((replace(whole, question=raw),), lang, raw)

    def _split(self, raw: str, lang: str, whole: Answer) -> tuple[Answer, ...]:
        """Two or three distinct questions in one message, each answered; () if not."""
        strong = _strong_split(raw)
        candidates = [strong]
        if lang == "zh":
            candidates.append(_weak_split(raw))
        for weak, pieces in enumerate(candidates):
            if len(pieces) < 2:
                continue
            found: list[Answer] = []
            seen: set[tuple[object, ...]] = set()
            for piece in pieces:
                _, text = self.prepare(piece)
                answer = replace(self._answer(text), question=piece)
                groups = len(self._tokenizer.groups(apply_synonyms(text)))
                refused = answer.kind == NONE and answer.reason.startswith("signal:")
                # (an English piece the phrase map reads as question words only, "from when
                # is it valid", may still be one the model understood)
                if (groups == 0 and (lang != "en" or answer.kind == NONE)) or (
                    weak and answer.kind == NONE and groups < 2 and not refused
                ):
                    continue  # "谢谢", "请问一下": not a question of its own
                if weak and answer.kind == NONE and not refused and len(pieces) > 2:
                    continue  # "…两个有啥区别": a third piece asking about the other two
                if (
                    weak
                    and not refused  # clearly outside the regulation is clear too
                    and answer.score < (WEAK_SPLIT_CONFIDENCE if len(pieces) < 3 else CLEAR)
                    and not (answer.kind != NONE and _same_topic(answer, whole))
                    and not self._unexplained(answer, whole, text)
                ):
                    # Without punctuation, a split is believed only when every piece is
                    # clearly a question of its own, or one the answer to the whole
                    # message leaves unexplained; "门槛高不高 要具备啥" is one question.
                    found = []
                    break
                # "补助有多少 什么时候发": one article silent on two different things
                key: tuple[object, ...] = (answer.article, answer.clause, answer.about_notice)
                key += (answer.kind, answer.missing)
                if key in seen:
                    continue
                seen.add(key)
                found.append(answer)
            found = _within_other_programme(found)
            answered = [a for a in found if a.kind != NONE]
            refusals = [a for a in found if a.kind == NONE and a.reason.startswith("signal:")]
            # "先找谁推荐 要准备啥材料": one part the regulation answers, one it does not
            if len(answered) >= 2 or (answered and len(answered) + len(refusals) >= 2):
                return tuple(found[:MAX_PARTS])
        if lang == "zh" and whole.kind != NONE:
            return self._split_alternatives(raw, whole)
        return ()

    def _split_alternatives(self, raw: str, whole: Answer) -> tuple[Answer, ...]:
        """ "A还是B" asks which one, answered by one article, unless it asks "or both?"."""
        if not _BOTH.search(raw):
            return ()
        found: list[Answer] = []
        for option in _alternatives(raw):
            _, text = self.prepare(option)
            answer = replace(self._answer(text), question=option)
            if answer.kind == NONE or any(
                (a.article, a.about_notice) == (answer.article, answer.about_notice) for a in found
            ):
                continue
            found.append(answer)
        return tuple(found[:MAX_PARTS]) if len(found) > 1 else ()

    def _unexplained(self, piece: Answer, whole: Answer, text: str) -> bool:
        """A piece answered elsewhere than the whole, whose words the whole's article lacks."""
        if piece.kind == NONE or _same_topic(piece, whole):
            return False
        whole_explains = 0.0 if whole.kind == NONE else self._explains(whole, text)
        return whole_explains < CLEAR and self._explains(piece, text) >= CLEAR_PIECE

    def _answer(self, text: str) -> Answer:
        """A question, possibly after a description of the asker's situation.

        "我们是县总工会，要建什么台账": the last clause asks, the ones before describe;
        their words dilute (or, like "申请了专利", mislead) the whole.  The last clause
        alone wins when it is clearer, and decides alone when it is out of scope.
        """
        whole = self._answer_one(text)
        # "我是县总的 我们要不要…": a self-introduction, then a pause, is a clause
        text = _SELF_INTRO.sub(r"\g<0>，", text, count=1)
        clauses = [c.strip() for c in _CLAUSE_BREAK.split(text) if len(c.strip()) >= 4]
        if len(clauses) < 2:
            return whole
        if not self._tokenizer.groups(apply_synonyms(_GENERIC_ASK.sub(" ", clauses[-1]))):
            return whole  # "……，办法有何要求？": the topic is in the clauses before
        last = self._answer_one(clauses[-1])
        if last.kind == NONE:
            return last if last.reason.startswith("signal:") else whole
        if whole.reason in _PROGRAMME_REFUSALS and not _OWN_SUBJECT.search(clauses[-1]):
            return whole  # "想评省级劳模 得具备哪些条件 找谁推荐": all about the title
        same_topic = (last.article, last.about_notice) == (whole.article, whole.about_notice)
        if (
            whole.kind == NONE
            or (same_topic and last.kind != whole.kind)  # the question decides what is asked
            or (last.score > whole.score and self._explains(whole, clauses[-1]) < CLEAR)
        ):
            # The situation, not the question, chose the whole's article.
            return replace(last, reason=f"last clause: {last.reason}")
        return whole

    def _explains(self, answer: Answer, text: str) -> float:
        """How much of ``text`` the vocabulary of the answer's article explains."""
        label = NOTICE if answer.about_notice else answer.article
        if label is None:
            return 0.0
        groups = list(dict.fromkeys(self._tokenizer.groups(apply_synonyms(text))))
        return self._coverage(groups, label)

    def _answer_one(self, text: str) -> Answer:
        """One question: the lexical engine's answer, corrected by the learned model."""
        found = self._lexical_one(text)
        # (an English question the phrase map has no word for is still read by the model,
        # in its own words)
        if self.model is None or not self.model_text(text) or found.reason == "article reference":
            return found
        return self._second_opinion(text, found)

    def _second_opinion(self, text: str, found: Answer) -> Answer:
        """Follow the learned model where it is confident and the engine is not, or where
        it disagrees strongly (thresholds fitted by scripts/crossvalidate_qa.py)."""
        assert self.model is not None
        features = self.model.features(self.model_text(text))
        guess = self.model.guess("article", features)
        mine = _label_of(found)
        label = mine
        if guess.label != mine and not (guess.label == "0" and found.kind == SILENT):
            # (a near miss the engine found the topic of stays "related but silent")
            if not text:  # English the phrase map has no word for: the model alone
                threshold = LEARNED_RESCUE
            elif text in self._english:
                threshold = LEARNED_RESCUE_EN if found.kind == NONE else LEARNED_SWITCH_EN
            elif guess.label == "0":
                threshold = LEARNED_REFUSE
            else:
                threshold = LEARNED_RESCUE if found.kind == NONE else LEARNED_SWITCH
            if guess.probability >= threshold:
                label = guess.label
        if label != mine:
            why = f"learned {guess.label} p={guess.probability:.2f} over {mine}"
            if label == "0":
                return _not_covered(why, round(guess.probability, 3))
            forced = self._retrieve(
                text,
                force=NOTICE if label == "notice" else int(label),
                sure=round(guess.probability, 3),
            )
            if forced.about_notice:
                return replace(forced, reason=why)
            found = self._judge(forced, answers.asked_facets(text), why)
        elif guess.label == mine and found.kind != NONE:
            # both agree: as sure as the surer of the two (a run-on's piece is believed
            # when each piece is this clear, _split)
            found = replace(found, score=max(found.score, round(guess.probability, 3)))
        if found.kind == SILENT and label == mine and found.article is not None:
            kind = self.model.guess("kind", features)
            if kind.label == ANSWERED and kind.probability >= LEARNED_ANSWERED:
                # the engine's asking-word rules saw a point the article does state
                forced = self._retrieve(text, force=found.article, sure=found.score)
                return replace(
                    forced, reason=f"learned answered p={kind.probability:.2f}; {found.reason}"
                )
        if found.kind == ANSWERED and not found.about_notice:
            kind = self.model.guess("kind", features)
            if kind.label == SILENT and kind.probability >= LEARNED_SILENT:
                return replace(
                    found,
                    kind=SILENT,
                    missing=found.missing or GENERIC_MISSING,
                    asks_deadline=False,
                    reason=f"learned silent p={kind.probability:.2f}; {found.reason}",
                )
        return found

    def _lexical_one(self, text: str) -> Answer:
        if not text:
            return _not_covered("empty")

        explicit = self._explicit_reference(text)
        if explicit is not None:
            return explicit

        signal = knowledge.out_of_scope_signal(text)
        facets = answers.asked_facets(text)
        if signal == "unstated_limit" and not _LIMIT_FACETS & set(facets):
            signal = None  # "随便拉几个人行不行" asks whether, not how many
        if signal in knowledge.NEAR_MISS_SIGNALS:
            # The question names a topic of the regulation and asks for what it never
            # states: find the topic without the asking words, then say what is missing.
            topic = _without(text, answers.facet_spans(text))
            found = self._retrieve(topic)
            if found.kind == NONE or found.about_notice:
                return _not_covered(f"signal:{signal}")
            facet = knowledge.NEAR_MISS_SIGNALS[signal]
            return self._judge(found, (*facets, facet), f"signal:{signal}")
        if signal is not None:
            return _not_covered(f"signal:{signal}")
        if "items" in facets:
            # what the subsidy may pay for is Art. 9's earmarking, whatever the item
            found = self._retrieve(_SPENT.sub(" 专款专用 ", text))
            return self._judge(found, facets, "") if found.kind != NONE else found
        found = self._retrieve(text)
        if facets:
            # The asking words ("一年几次", "哪个部门") can pull towards an article that
            # states such a fact about something else; the topic alone decides then.
            alone = self._retrieve(_without(text, answers.facet_spans(text)))
            if (
                alone.kind != NONE
                and not alone.about_notice  # the header is chosen by its own words only
                and alone.article != found.article
                and alone.score > found.score
            ):
                found = replace(alone, reason=f"topic: {alone.reason}")
        if found.kind == NONE:
            return found
        if found.about_notice:
            return found  # the header's facts are what they are: its date, issuer, number
        return self._judge(found, facets, "")

    def _judge(self, found: Answer, facets: tuple[str, ...], why: str) -> Answer:
        present: set[str] = set()
        for unit in found.units:
            present |= answers.DIRECT[unit].present
        for facet in facets:
            if facet not in present:
                return replace(
                    found,
                    kind=SILENT,
                    missing=facet,
                    asks_deadline=False,
                    reason=f"silent on {facet} {why}; {found.reason}".strip(),
                )
        return found

    def _retrieve(self, text: str, force: int | None = None, sure: float = 0.0) -> Answer:
        """The best article for ``text``; ``force``: this label, chosen elsewhere (``sure``
        of it), without the abstain gates (its quote and related articles still come from
        the ranking)."""
        mapped = apply_synonyms(text)
        groups = list(dict.fromkeys(self._tokenizer.groups(mapped)))
        tokens = {t for group in groups for t in group}
        if not tokens and force is None:
            return _not_covered("no content words")
        ranked = self._rank(tokens)
        if force is not None:
            chosen = next(r for r in ranked if r.label == force)
            ranked = [chosen] + [r for r in ranked if r is not chosen and r.label >= 0]
            if force == NOTICE:
                return self._notice_answer(mapped, sure)
            return self._cite(ranked, tokens, mapped, sure, "learned")
        if not knowledge.NOTICE_WORDS.search(mapped):
            ranked = [r for r in ranked if r.label != NOTICE]
        if (
            ranked[0].label == OUT_OF_SCOPE
            and ranked[1].score >= OUT_OF_SCOPE_MARGIN * ranked[0].score
        ):
            # Out-of-scope examples win only clearly: they share words with the regulation.
            ranked = ranked[1:] + ranked[:1]

        def coverage_of(label: int) -> float:
            return self._coverage(groups, label)

        # Among near ties, the label whose vocabulary explains more of the question wins.
        top = ranked[0]
        contenders = [r for r in ranked if r.score >= TIE_RATIO * top.score and r.label >= 0]
        best = top
        if top.label != OUT_OF_SCOPE and contenders:
            best = max(contenders, key=lambda r: (round(coverage_of(r.label), 3), r.score))
        holder = knowledge.OTHER_HOLDER.get(best.label)
        if holder is not None and holder[1].search(mapped):
            # "我们县要不要自己出个办法": the duty's holder names the article
            best = next((r for r in ranked if r.label == holder[0]), best)
        ranked = [best] + [r for r in ranked if r is not best]
        coverage = coverage_of(best.label)
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        margin = best.score / runner_up if runner_up > 0 else math.inf
        confidence = round(coverage * min(1.0, best.score / (2 * MIN_SCORE)), 3)
        if best.label == OUT_OF_SCOPE:
            return _not_covered("out-of-scope example", confidence)
        clear_winner = (
            coverage >= MIN_MARGIN_COVERAGE
            and best.score >= MIN_MARGIN_SCORE
            and margin >= MIN_MARGIN
        )
        evidence = coverage * self._weight(groups)
        if (
            best.score < MIN_SCORE
            or evidence < MIN_EVIDENCE
            or (
                coverage < MIN_COVERAGE
                and not clear_winner
                and not self._names_concept(groups, best, ranked, coverage)
            )
        ):
            return _not_covered(
                f"low confidence (coverage {coverage:.2f}, bm25 {best.score:.2f},"
                f" margin {margin:.2f})",
                confidence,
            )
        if best.label == NOTICE:
            return self._notice_answer(mapped, confidence)
        reason = f"bm25 {best.score:.2f}, coverage {coverage:.2f}, margin {margin:.2f}"
        return self._cite(ranked, tokens, mapped, confidence, reason)

    def _cite(
        self, ranked: list[_Ranked], tokens: set[str], mapped: str, confidence: float, reason: str
    ) -> Answer:
        best = ranked[0]
        number = best.label
        clause = best.unit.clause if number == 6 else None
        asks_deadline = number == 17 and _asks_deadline(mapped)
        related = self._related(number, ranked)
        quote, units = self._quote(number, clause, tokens, asks_deadline)
        return Answer(
            covered=True,
            article=number,
            about_notice=False,
            quote=quote,
            units=units,
            clause=clause,
            related=related,
            asks_deadline=asks_deadline,
            score=confidence,
            note=self._note(number),
            reason=reason,
        )

    def _names_concept(
        self,
        groups: list[tuple[str, ...]],
        best: _Ranked,
        ranked: list[_Ranked],
        coverage: float,
    ) -> bool:
        """The question names a concept of the best article, and of no other as much."""
        if coverage < CONCEPT_COVERAGE or best.score < MIN_MARGIN_SCORE:
            return False
        return self._concept_leader(groups, ranked) is best

    def _concept_leader(
        self, groups: list[tuple[str, ...]], ranked: list[_Ranked]
    ) -> _Ranked | None:
        """The article whose own concepts the question names clearly more than any other's."""
        weights = [(self._concept_weight(groups, r.label), r) for r in ranked if r.label > 0]
        weights.sort(key=lambda wr: wr[0], reverse=True)
        if not weights or weights[0][0] < CONCEPT_MIN:
            return None
        if len(weights) > 1 and CONCEPT_LEAD * weights[1][0] > weights[0][0]:
            return None
        return weights[0][1]

    def _coverage(self, groups: list[tuple[str, ...]], label: int) -> float:
        """Share of the question's content words that the label's vocabulary explains.

        Each word counts once (its bigrams only give partial credit when the
        word itself is not in the vocabulary), weighted by its IDF.  Words the
        index has never seen are colloquial paraphrase or filler as often as
        they are foreign topics, so they weigh a fixed, moderate amount rather
        than the maximal IDF; out-of-scope topics are caught by explicit
        signals and the out-of-scope examples, whose words are in the index.
        """
        vocab = self._vocab(label)
        total = covered = 0.0
        for group in groups:
            head = group[0]
            weight = self._group_weight(group)
            total += weight
            if head in vocab:
                covered += weight
                continue
            bigrams = [t for t in group if t.startswith("b:")]
            if bigrams:
                hit = sum(1 for t in bigrams if t in vocab)
                covered += weight * BIGRAM_CREDIT * hit / len(bigrams)
        return covered / total if total else 0.0

    def _vocab(self, label: int) -> set[str]:
        assert self._index is not None
        return self._index.vocab.get(label, set())

    def _group_weight(self, group: tuple[str, ...]) -> float:
        assert self._index is not None
        idf = self._index.idf
        head = group[0]
        if head.startswith("w:") and head in idf:
            return idf[head]
        known = [idf[t] for t in group if t in idf]
        return min(UNKNOWN_WEIGHT, max(known)) if known else UNKNOWN_WEIGHT

    def _weight(self, groups: list[tuple[str, ...]]) -> float:
        return sum(self._group_weight(g) for g in groups)

    def _rank(self, tokens: set[str]) -> list[_Ranked]:
        assert self._index is not None
        index = self._index
        # Each unit's BM25 adds the same terms in the same (token) order as a scan of every
        # unit would, so the scores are the same floats; only units sharing a token are touched.
        scores: dict[int, float] = {}
        for token in tokens:
            for i, term in index.postings.get(token, ()):
                scores[i] = scores.get(i, 0.0) + term
        # A label's best unit is its first of the highest score; BM25 terms are positive, so
        # a unit no token touched (0.0) never beats the label's first unit.
        best = {label: (scores.get(i, 0.0), i) for label, i in index.first_units.items()}
        for i in sorted(scores):
            label = index.units[i].label
            if scores[i] > best[label][0]:
                best[label] = (scores[i], i)
        ranked = [_Ranked(label, score, index.units[i]) for label, (score, i) in best.items()]
        return sorted(ranked, key=lambda r: r.score, reverse=True)

    def _explicit_reference(self, text: str) -> Answer | None:
        """'第十七条说什么', '第6条', 'article 6', '第六条第三项', '基本条件第三项'."""
        match = _ARTICLE_REF.search(text) or _ARTICLE_REF_EN.search(text)
        rest = text[: match.start()] + " " + text[match.end() :] if match else text
        clause_match = _CLAUSE_REF.search(rest)
        clause = None
        if clause_match is not None:
            token = clause_match.group(1) or clause_match.group(2)
            clause = _CLAUSE_DIGITS.get(token) or int(token)
        if match is not None:
            number = parse_article_number(match.group(1))
            if number is None:
                return _not_covered(f"no such article: {match.group(0)}")
            condition_at = text.find("条件")
            if number <= 5 and 0 <= condition_at < match.start() and match.group(0).endswith("条"):
                # "基本条件第三条" names a condition of Art. 6, not Art. 3.
                number, clause = 6, number
            elif number != 6:
                clause = None
        elif clause is not None and _CONDITION.search(text):
            number = 6
        else:
            return None
        mapped = apply_synonyms(text)
        asks_deadline = number == 17 and _asks_deadline(mapped)
        article = self.regulation.article(number)
        quote = article.clause(clause).text if clause else article.text
        units = self._all_units(number, clause)
        if asks_deadline:
            quote, units = self._quote(17, None, set(), True)
        return Answer(
            covered=True,
            article=number,
            about_notice=False,
            quote=quote,
            clause=clause,
            related=knowledge.RELATED[number][:3],
            asks_deadline=asks_deadline,
            score=1.0,
            note=self._note(number),
            reason="article reference",
            units=units,
        )

    def _notice_answer(self, mapped: str, confidence: float) -> Answer:
        notice = self.regulation.notice
        issued = f"{notice.issued_on.year}年{notice.issued_on.month}月{notice.issued_on.day}日"
        quote = f"{notice.issuer} {issued} 印发，文号{notice.doc_number}"
        if knowledge.TITLE_WORDS.search(mapped):
            quote = f"《{notice.title}》：" + quote
        if knowledge.ADDRESSEE_WORDS.search(mapped):
            quote += f"；发至{notice.addressees}"
        if knowledge.ADOPTION_WORDS.search(mapped):
            quote += f"；{notice.body}"
        return Answer(
            covered=True,
            article=None,
            about_notice=True,
            quote=quote,
            clause=None,
            related=(19, 1),
            asks_deadline=False,
            score=confidence,
            reason="notice",
            units=(NOTICE_UNIT,),
        )

    def _all_units(self, number: int, clause: int | None) -> tuple[Unit, ...]:
        assert self._index is not None
        if number == 6:
            return (clause_unit(clause),) if clause else (ART6_ALL,)
        return tuple((number, i) for i in range(len(self._index.sentences[number])))

    def _quote(
        self, number: int, clause: int | None, tokens: set[str], deadline: bool
    ) -> tuple[str, tuple[Unit, ...]]:
        assert self._index is not None
        article = self.regulation.article(number)
        if clause is not None:
            return article.clause(clause).text, (clause_unit(clause),)
        sentences = self._index.sentences[number]
        if deadline:
            return sentences[0][0], ((number, 0),)
        whole = article.text, self._all_units(number, None)
        if len(sentences) <= 1 or article.clauses:
            return whole
        idf = self._index.idf
        scores = [sum(idf.get(t, 0.0) for t in tokens & words) for _, words in sentences]
        top = max(scores)
        if top <= 0:
            return whole
        chosen = [i for i, v in enumerate(scores) if v >= 0.75 * top]
        return "".join(sentences[i][0] for i in chosen), tuple((number, i) for i in chosen)

    def _related(self, number: int, ranked: list[_Ranked]) -> tuple[int, ...]:
        # A close runner-up from retrieval first (the question may be about it
        # too), then the curated neighbours of the answering article.
        picked: list[int] = []
        for r in ranked[1:]:
            if 1 <= r.label <= ARTICLE_COUNT and r.label != number:
                if r.score >= RELATED_RATIO * ranked[0].score:
                    picked.append(r.label)
                break
        for other in knowledge.RELATED[number]:
            if other not in picked and other != number:
                picked.append(other)
        return tuple(picked[:3])

    def _note(self, number: int) -> str:
        if number != 19:
            return ""
        notice = self.regulation.notice
        issued = f"{notice.issued_on.year}年{notice.issued_on.month}月{notice.issued_on.day}日"
        return f"本办法由{notice.issuer}于{issued}以{notice.doc_number}印发。"


# Another programme, or the model-worker title itself: the questions after it in the
# same message are about it too ("全国示范性工作室如何申报? 是否需要省总推荐?",
# "咋个评上省级劳模 要哪些条件"), unless they name this programme's own things.
_PROGRAMME_REFUSALS = ("signal:other_programme", "signal:model_worker_selection")
_OWN_SUBJECT = re.compile(r"工作室|本办法|这个办法|管理办法|州总|台帐|台账|补助|第.{1,3}条")


def _within_other_programme(found: list[Answer]) -> list[Answer]:
    kept: list[Answer] = []
    context = False
    for answer in found:
        if answer.kind == NONE and answer.reason in _PROGRAMME_REFUSALS:
            context = True
        elif context and not _OWN_SUBJECT.search(answer.question):
            continue
        kept.append(answer)
    return kept


def _label_of(answer: Answer) -> str:
    """The answer as the learned model labels it: "0", "notice" or the article's number."""
    if answer.kind == NONE:
        return "0"
    return "notice" if answer.about_notice else str(answer.article)


def _same_topic(a: Answer, b: Answer) -> bool:
    return (a.article, a.about_notice) == (b.article, b.about_notice)


def _asks_deadline(mapped: str) -> bool:
    return bool(knowledge.DEADLINE_WORDS.search(mapped)) and not knowledge.RE_REVIEW_WORDS.search(
        mapped
    )


def _not_covered(reason: str, score: float = 0.0) -> Answer:
    return Answer(
        kind=NONE,
        covered=False,
        article=None,
        about_notice=False,
        quote="",
        clause=None,
        related=(),
        asks_deadline=False,
        score=score,
        reason=reason,
    )


_CLAUSE_BREAK = re.compile(r"[,，;；:：]")
_SELF_INTRO = re.compile(r"^(?:我是|我在|我们是|我们这边是|本人是|我们在)[^\s,，。?？]{1,12}(?=\s)")
# A last clause made only of these asks about what came before it.
_GENERIC_ASK = re.compile(
    r"本办法|这个办法|办法|管理办法|规定|文件|有何|有什么|有哪些|什么|哪些|啥|怎么|如何|要求|说|讲|"
    r"对此|这方面|这个|具体|吗|呢|是"
)
# Words that make a piece of a message ask something (as typed, dialect included;
# a final 没有 is as often "not yet" as a question).
_ASKS = re.compile(
    r"吗|呢|么|嘛|多少|好多|多[久长大高]|几|谁|什么|啥|哪|怎|咋|如何|是否|能否|要不要|能不能|可不可以|有没有|"
    r"是不是|行不行|得不得|要得|[不噻撒哈咩没得]\s*$|[?？]|"
    r"(?<=.)还是|"  # "补助是一次性的还是每年都有" ("…吗 还是…" goes on the question before)
    # A-not-A: 帮不帮, 会不会, 考核不考核
    r"([\u4e00-\u9fff]{1,2})[不没]\1"
)
# What follows the money in "补助能不能给成员发讲课费": the item, not the topic.
_SPENT = re.compile(r"(?<=补助|补贴|经费|资金)[^,，。?？]*|(?<=[钱款])[^,，。?？]*")
_LIMIT_FACETS = {"headcount", "count", "max", "minimum", "threshold"}


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = " "
    return re.sub(r"\s+", " ", "".join(chars)).strip()


# Where one question ends and the next begins: punctuation and connectives ...
_STRONG_SPLIT = re.compile(
    r"[?？!！。;；\n]+|(?:还有就是|另外|再问一下|再问|还想问|顺便问一下|顺便问|其次|"
    # after a pause (a space in voice input, a comma), "还有 / 然后 / 以及" start a new question
    r"(?:(?<=\s)|(?<=[,，]))(?:还有|然后|以及|再一个|再就是)(?!几天|多少天|多久|效|没有)(?=\S{4,})|"
    r"[,，]?(?:一是|二是|三是|第一个|第二个|第三个))"
    r"|,?\s+(?:and|also|\+|&)\s+(?=(?:from |since )?"
    r"(?:who|what|how|when|which|where|why|is|are|do|does|can|must|should)\b)",
    re.IGNORECASE,
)
# ... and, in voice input without punctuation, spaces and question particles.
_WEAK_SPLIT = re.compile(
    r"\s+|[,，]|(?:(?<=[吗呢嘛])|(?<=[^什怎那这多要]么)|(?<=[^有]没有))(?=\S{4,})"
    # a voice run-on with no pause at all: "…是哪样级别的劳模然后这个办法哪个解释"
    r"|(?<=\S{4})(?:然后|还有就是|还有|另外|再一个)(?!几天|多少天|多久|效|没有)(?=\S{4,})"
)


def _pieces(pattern: re.Pattern[str], text: str) -> list[str]:
    return [p.strip(" ,，、") for p in pattern.split(text) if len(p.strip(" ,，、")) >= 3]


def _strong_split(text: str) -> list[str]:
    return _pieces(_STRONG_SPLIT, text)


# "县总是要每年考核还是要自己订办法": an alternative question whose options may be two
# questions; the second option inherits the subject the first one names.
_ALTERNATIVE = re.compile(r"\s*还是\s*")
_BOTH = re.compile(r"还是[^,，。?？]{0,3}(?:两样|两个|两者|二者|两项|都要|都得|都)")
_SUBJECT = re.compile(r"^(\S{1,6}?)(?:是要|是不是要|到底是|是|要|得|需要)")


def _alternatives(text: str) -> list[str]:
    options = [p.strip(" ,，、") for p in _ALTERNATIVE.split(text) if p.strip(" ,，、")]
    if len(options) < 2:
        return []
    subject = _SUBJECT.match(options[0])
    prefix = subject.group(1) if subject else ""
    rest = [prefix + option for option in options[1:] if not _BOTH.search("还是" + option)]
    return [options[0], *rest]


def _weak_split(text: str) -> list[str]:
    pieces: list[str] = []
    for piece in _strong_split(text) or [text]:
        pieces.extend(_pieces(_WEAK_SPLIT, piece))
    # A piece that asks nothing ("工作室除了劳模本人", "我们今年还没有") describes the
    # situation of the question after it: it stays with that question.
    # Joined by a comma, so that the question, not the situation, decides (_answer).
    merged: list[str] = []
    pending = ""
    for piece in pieces:
        if _ASKS.search(piece):
            merged.append(f"{pending}，{piece}" if pending else piece)
            pending = ""
        else:
            pending = f"{pending}，{piece}" if pending else piece
    if pending:
        if merged:
            merged[-1] = f"{merged[-1]}，{pending}"
        else:
            merged.append(pending)
    return merged


_FOLLOW_UP_ZH = re.compile(
    r"^(?:那么|那|还有|那还有|要是|如果是|换成)?\s*(?P<topic>[^?？。!！]{1,12}?)\s*"
    r"(?:呢|咧|嘞|怎么样|咋样|如何|又怎么样)?[?？。!！\s]*$"
)
_FOLLOW_UP_MARK_ZH = re.compile(r"^(?:那么|那|还有|要是|如果是|换成)|(?:呢|咧|嘞)[?？。!！\s]*$")
_FOLLOW_UP_EN = re.compile(
    r"^(?:and|what about|how about|and what about|and for|same for)\b", re.IGNORECASE
)


def _follow_up_topic(raw: str, lang: str, text: str) -> str | None:
    """The new topic of an elliptical follow-up ("那成果呢？" -> "成果"), else None."""
    if lang == "en":
        return text if _FOLLOW_UP_EN.search(raw) and text else None
    if not _FOLLOW_UP_MARK_ZH.search(text):
        return None
    match = _FOLLOW_UP_ZH.match(text)
    return match.group("topic") if match else None


_PERIOD = re.compile(r"每年|一年|每两年|两年|五年|今年|明年|去年|本年度")


def _follow_up_candidates(topic: str, previous: str) -> list[str]:
    """The new topic with what the previous question asked for; then the topic alone."""
    spans = sorted(set(answers.facet_spans(previous)))
    # What was asked ("几个", "谁"), not when ("每年"): the new topic has its own period.
    asked = [previous[a:b] for a, b in spans if not _PERIOD.fullmatch(previous[a:b])]
    candidates = []
    if asked:
        candidates.append(" ".join([topic, *asked]))
    candidates.append(topic)
    return candidates
