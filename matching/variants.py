"""Other ways buyers write the names in a catalog: synonyms, English, abbreviations, typos.

A buyer may name the goods a supplier lists by a synonym or trade name (氯仿 for 三氯甲烷),
in English (``heat exchanger``), by a short or a long form (锂离子电池 / 锂电池, 无缝管 /
无缝钢管), or with a pinyin input slip (流化钠 for 硫化钠). :class:`NameVariants` turns one
wanted term into the other terms it may stand for, each with the factor its matches are scaled
by (always below 1, so an exact match ranks first) and the kind shown in the reasons.

Where the knowledge comes from (nothing here is a per-product table):

- **A dictionary.** Headwords of CC-CEDICT that share an English sense are synonyms
  (纯碱 and 碳酸钠: *sodium carbonate*), whole or as a part of the term (牡蛎油 → 蚝油);
  English is looked up by sense, a phrase whole or word by word in Chinese order
  (``servo motor`` → 伺服 + 电机); a kind of the head's thing stands for the head (伺服马达:
  马达 is *motor*, 电动机 *electric motor* → 伺服电机). Last characters that end many pairs
  of dictionary synonyms are interchangeable (减速器 / 减速机). The shipped subset and its
  licence: ``data/README.md``.
- **The catalog itself.** A variant counts only when suppliers list it (a name of the
  lexicon, or inside one); short forms are the listed names that keep a term's first and last
  characters (温度控制器 → 温控器); a long form inserts one character (无缝管 → 无缝钢管).
- **Pinyin and edit distance**, as a fallback when few listed names contain the term itself:
  listed names read the same way (toneless pinyin of each character, so 畜电池 → 蓄电池), or
  one character apart.

Candidates a lexicon cannot confirm are dropped, and the fallbacks are tried only when the
term's own evidence is weak, so a correctly written, well-listed name is never "corrected";
such a name still reaches a synonym whose main dictionary sense is its own and that suppliers
list widely too (砼 → 混凝土). The last resort is a listed name with the same head and the
term's characters in another order (热交换器 → 换热器).
"""

from __future__ import annotations

import gzip
import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from matching.lexicon import Lexicon, TextStore

__all__ = [
    "KIND_LABELS",
    "NameDictionary",
    "NameVariant",
    "NameVariants",
    "describe",
    "name_dictionary",
    "read_as_note",
    "reading_key",
]

KIND_LABELS: dict[str, str] = {
    "synonym": "同义",
    "english": "英文",
    "short": "简称",
    "long": "全称",
    "typo": "疑似错字",
    "purpose": "按用途",
}
"""How each kind of variant is named in the reasons."""

SYNONYM = 0.9
"""Factor of a dictionary synonym of the whole term, and of an English name."""
PART_SYNONYM = 0.85
"""Factor of the term with one of its words replaced by a dictionary synonym."""
SHORT_LONG = 0.8
"""Factor of a short form (a listed name keeping the term's first and last characters) or a
long form (one character more)."""
HOMOPHONE = 0.85
"""Factor of a listed name read the same way in pinyin (an input-method slip)."""
ONE_OFF = 0.7
"""Factor of a listed name one character apart that is not read the same way."""
WEAK_EVIDENCE = 5
"""Fallbacks (short and long forms, typos) are tried when fewer listed names contain the term."""
MAX_VARIANTS = 8
"""At most this many variants of one term (the best first)."""
MAX_SENSE_WORDS = 8
"""An English sense shared by more headwords than this is too vague to make synonyms."""
MIN_SUFFIX_PAIRS = 4
"""Two last characters are interchangeable (减速器 / 减速机) when at least this many pairs of
dictionary synonyms differ only by them."""
_MAX_READINGS = 16
_MAX_SUBSEQUENCE = 8
_HAN = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Z][A-Z'\-]*[A-Z]|[A-Z]")
_LATIN_RUN = re.compile(r"[A-Z][A-Z'\- ]*[A-Z]")


@dataclass(frozen=True, slots=True)
class NameVariant:
    """Another term a wanted ``term`` may stand for: ``text``, the ``factor`` its matches are
    scaled by (below 1), and its ``kind`` (a key of :data:`KIND_LABELS`)."""

    term: str
    text: str
    factor: float
    kind: str
    confirmed: bool = False
    """Whether the dictionary gives it as the same goods under another name (the main sense
    of one is a sense of the other, :meth:`NameDictionary.same_goods`): the term is then a
    word, not a pinyin slip, and no typo is guessed for it."""


def describe(wanted: str, variant: str, kind: str) -> str:
    """How a variant is shown in the reasons.

    Examples
    --------
    >>> describe("锂离子电池", "锂电池", "short")
    '锂离子电池 ≈ 锂电池 (简称)'
    >>> describe("理电池", "锂电池", "typo")
    '理电池 → 锂电池 (疑似错字)'
    """
    arrow = "→" if kind in ("typo", "english") else "≈"
    return f"{wanted} {arrow} {variant} ({KIND_LABELS.get(kind, kind)})"


def read_as_note(
    wanted: str, offered: str, name_variants: Iterable[tuple[str, str, str]]
) -> str | None:
    """The note for one matched ``(wanted, offered)`` pair of a shortlist's reasons, when it
    was matched through a variant (:attr:`matching.records.Reasons.name_variants`).

    Examples
    --------
    >>> used = (("畜电池", "蓄电池", "typo"),)
    >>> read_as_note("畜电池", "铅蓄电池", used), read_as_note("畜电池", "电池", used)
    ('畜电池 → 蓄电池 (疑似错字)', None)
    """
    for term, text, kind in name_variants:
        if term == wanted and text in offered:
            return describe(term, text, kind)
    return None


class NameDictionary:
    """Chinese headwords and their English senses (the shipped CC-CEDICT subset).

    A sense may carry a bracketed qualifier, ``nut{female component of nut and bolt}``: two
    headwords are synonyms when they share a sense and their qualifiers do not disagree.

    Examples
    --------
    >>> d = NameDictionary({"纯碱": ("soda ash", "sodium carbonate"), "碳酸钠": ("sodium carbonate",),
    ...                     "螺母": ("nut{bolt}",), "螺帽": ("nut{bolt}",), "坚果": ("nut",)})
    >>> d.synonyms("纯碱"), d.translate("soda ash")
    ([('碳酸钠', 1.0)], ['纯碱'])
    >>> d.synonyms("螺帽")
    [('螺母', 1.0), ('坚果', 0.9)]
    """

    def __init__(self, senses: dict[str, tuple[str, ...]]) -> None:
        self.senses = senses
        self._qualified: dict[str, dict[str, str]] = {}
        by_sense: dict[str, list[str]] = {}
        for word, found in senses.items():
            cores = self._qualified.setdefault(word, {})
            for sense in found:
                core, _, qualifier = sense.partition("{")
                cores.setdefault(core, qualifier.rstrip("}"))
                by_sense.setdefault(core, []).append(word)
        self.by_sense = {s: tuple(dict.fromkeys(ws)) for s, ws in by_sense.items()}
        heads: dict[str, list[str]] = {}
        for sense, words in self.by_sense.items():
            parts = sense.split(" ")
            if len(parts) == 2 and len(words) <= MAX_SENSE_WORDS:
                heads.setdefault(parts[1], []).extend(words)
        self._heads = {h: tuple(dict.fromkeys(ws)) for h, ws in heads.items()}
        self.max_len = max((len(w) for w in senses), default=0)

    def synonyms(
        self, word: str, *, single: bool = False, kinds: bool = False
    ) -> list[tuple[str, float]]:
        """Other headwords sharing a specific sense with ``word`` (one at most
        :data:`MAX_SENSE_WORDS` headwords share), or named as its full form, with a
        confidence: 1 when their qualifiers agree, 0.9 when only one has a qualifier (two
        different qualifiers: different things). None of one character unless ``word`` is
        one character or ``single``. With ``kinds``, also (at 0.9) the headwords whose
        two-word sense has a one-word sense of ``word`` as its head (马达, *motor*: 电动机,
        *electric motor*)."""
        out: dict[str, float] = {}
        short_ok = single or len(word) == 1
        for core, qualifier in self._qualified.get(word, {}).items():
            if core.startswith("="):
                out[core[1:]] = 1.0
                continue
            if kinds and " " not in core:
                for other in self._heads.get(core, ()):
                    if other != word and (len(other) > 1 or short_ok):
                        out.setdefault(other, 0.9)
            sharing = self.by_sense.get(core, ())
            if len(sharing) > MAX_SENSE_WORDS:
                continue
            for other in sharing:
                theirs = self._qualified[other][core]
                if other == word or (len(other) == 1 and not short_ok):
                    continue
                if qualifier == theirs:
                    confidence = 1.0
                elif qualifier and theirs:
                    continue
                else:
                    confidence = 0.9
                out[other] = max(out.get(other, 0.0), confidence)
        return list(out.items())

    def main_sense(self, word: str) -> str | None:
        """The first sense of ``word`` without its qualifier (the dictionary lists the main
        sense first), or ``None``."""
        senses = self.senses.get(word)
        return senses[0].partition("{")[0] if senses else None

    def same_goods(self, word: str, other: str) -> bool:
        """Whether the main (first) sense of one of the two words is a sense of the other:
        the same goods under two names (纯碱 and 碳酸钠, *sodium carbonate*), not two words that
        only meet in a side sense."""
        mine = self._qualified.get(word, {})
        theirs = self._qualified.get(other, {})
        a, b = self.main_sense(word), self.main_sense(other)
        return bool(mine and theirs) and (a in theirs or b in mine)

    def translate(self, english: str) -> list[str]:
        """Headwords one of whose senses is ``english`` (lower case; a plural tried singular);
        for one word, also those whose two-word sense has it as the head (``foil``: 箔,
        *metal foil*)."""
        phrase = english.lower().strip()
        found: tuple[str, ...] = ()
        for form in (phrase, *_singulars(phrase)):
            found = self.by_sense.get(form, ())
            if found:
                phrase = form
                break
        if " " in phrase:
            return list(found)
        return list(dict.fromkeys((*found, *self._heads.get(phrase, ()))))

    def words(self, term: str) -> list[tuple[int, int]]:
        """``(start, end)`` of the headwords in ``term``, longest first at each position."""
        out: list[tuple[int, int]] = []
        i = 0
        while i < len(term):
            for j in range(min(len(term), i + self.max_len), i, -1):
                if term[i:j] in self.senses:
                    out.append((i, j))
                    i = j
                    break
            else:
                i += 1
        return out


@cache
def interchangeable_suffixes(dictionary: NameDictionary) -> dict[str, tuple[str, ...]]:
    """Last characters that name the same goods (器 / 机), learned from the dictionary: pairs
    of headwords of three characters or more sharing a specific sense and differing only in
    the last character, counted by that pair of characters; those seen at least
    :data:`MIN_SUFFIX_PAIRS` times.

    Examples
    --------
    >>> interchangeable_suffixes(name_dictionary())["器"]
    ('机',)
    """
    counts: Counter[tuple[str, str]] = Counter()
    for words in dictionary.by_sense.values():
        if len(words) > MAX_SENSE_WORDS:
            continue
        for a, b in itertools.combinations(words, 2):
            if len(a) == len(b) >= 3 and a[:-1] == b[:-1] and a[-1] != b[-1]:
                counts[(min(a[-1], b[-1]), max(a[-1], b[-1]))] += 1
    out: dict[str, list[str]] = {}
    for (x, y), n in sorted(counts.items()):
        if n >= MIN_SUFFIX_PAIRS:
            out.setdefault(x, []).append(y)
            out.setdefault(y, []).append(x)
    return {k: tuple(v) for k, v in out.items()}


def _sorted_chars(text: str) -> str:
    return "".join(sorted(text))


def _in_order(text: str, term: str) -> bool:
    """Whether ``text`` is ``term`` with some characters left out (a short form, not a
    reordering)."""
    rest = iter(term)
    return all(c in rest for c in text)


def _singulars(phrase: str) -> list[str]:
    head, _, last = phrase.rpartition(" ")
    prefix = f"{head} " if head else ""
    out = []
    if last.endswith("ies"):
        out.append(prefix + last[:-3] + "y")
    if last.endswith("es"):
        out.append(prefix + last[:-2])
    if last.endswith("s") and not last.endswith("ss"):
        out.append(prefix + last[:-1])
    return out


def _data_lines(name: str) -> Iterable[list[str]]:
    blob = resources.files("matching.data").joinpath(name).read_bytes()
    for line in gzip.decompress(blob).decode("utf-8").splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


@cache
def name_dictionary() -> NameDictionary:
    """The shipped dictionary (``data/cedict_goods.tsv.gz``), loaded once."""
    return NameDictionary({w: tuple(s.split("|")) for w, s in _data_lines("cedict_goods.tsv.gz")})


@cache
def _readings() -> dict[str, tuple[str, ...]]:
    return {c: tuple(r.split(",")) for c, r in _data_lines("char_readings.tsv.gz")}


@cache
def _syllable_codes() -> dict[str, str]:
    syllables = sorted({r for rs in _readings().values() for r in rs})
    return {s: chr(0xE000 + i) for i, s in enumerate(syllables)}


def reading_key(text: str) -> str:
    """``text`` with each Chinese character replaced by a code for its most common toneless
    reading, so that homophones get the same key (other characters stay as they are).

    Examples
    --------
    >>> reading_key("硫化钠") == reading_key("流化钠") != reading_key("氯化钠")
    True
    """
    readings, codes = _readings(), _syllable_codes()
    return "".join(codes[readings[c][0]] if c in readings else c for c in text)


def _reading_keys(term: str) -> list[str]:
    """Keys of ``term`` under each combination of its characters' readings (a few at most)."""
    readings, codes = _readings(), _syllable_codes()
    options = [[codes[r] for r in readings[c]] if c in readings else [c] for c in term]
    keys = []
    for combo in itertools.product(*options):
        keys.append("".join(combo))
        if len(keys) >= _MAX_READINGS:
            break
    return keys


class NameVariants:
    """The variants of wanted terms that the names of a lexicon confirm.

    Parameters
    ----------
    lexicon
        The listed names (it may grow; this follows it).
    dictionary
        Synonyms and English senses; default the shipped one.

    Examples
    --------
    >>> from matching.lexicon import Lexicon
    >>> lex = Lexicon()
    >>> for name in ("碳酸钠", "蓄电池", "锂电池", "无缝钢管"):
    ...     _ = lex.add(name)
    >>> finder = NameVariants(lex)
    >>> [(v.text, v.kind) for v in finder.of("纯碱")]
    [('碳酸钠', 'synonym')]
    >>> [(v.text, v.kind) for v in finder.of("畜电池")]
    [('蓄电池', 'typo')]
    >>> [(v.text, v.kind) for v in finder.of("锂离子电池")]
    [('锂电池', 'short')]
    >>> [(v.text, v.kind) for v in finder.of("无缝管")]
    [('无缝钢管', 'long')]
    """

    def __init__(self, lexicon: Lexicon, dictionary: NameDictionary | None = None) -> None:
        self.lexicon = lexicon
        self.dictionary = dictionary or name_dictionary()
        self._keys = TextStore()
        self._key_ids: dict[str, list[int]] = {}
        self._sorted_ids: dict[str, list[int]] = {}

    def _listed(self, text: str) -> int:
        """How many listed names contain ``text`` (up to :data:`WEAK_EVIDENCE`)."""
        n = 0
        for _ in self.lexicon.store.occurrences(text):
            n += 1
            if n >= WEAK_EVIDENCE:
                break
        return n

    def evidence(self, term: str) -> float:
        """How well the listed names attest ``term`` itself, up to :data:`WEAK_EVIDENCE`: a
        name ending with it (the term as a head: it or a kind of it) counts 1, a name holding
        it elsewhere ½ (电池芯 inside 太阳电池芯片 is no 电池芯)."""
        names = self.lexicon.names
        total = 0.0
        for i, offset in self.lexicon.store.occurrences(term):
            total += 1.0 if offset + len(term) == len(names[i]) else 0.5
            if total >= WEAK_EVIDENCE:
                break
        return total

    def _word_like(self, text: str, name: str, offset: int) -> bool:
        """Whether ``text`` found at ``offset`` in a listed ``name`` reads as a word there: a
        dictionary word, or at the start or end of the name (瓷涂 inside 陶瓷涂料 is neither)."""
        return text in self.dictionary.senses or offset == 0 or offset + len(text) == len(name)

    def of(self, term: str) -> list[NameVariant]:
        """The variants of one normalised wanted term, best first (the term itself excluded).

        English names are always tried; synonyms, short and long forms only when the listed
        names attest the term less than :data:`WEAK_EVIDENCE` (:meth:`evidence`: a
        well-listed name means what suppliers mean by it; a dictionary's other senses would
        only add noise); typos then too, but a term they attest at all is only compared with
        whole names (:meth:`_typos`).
        """
        found: dict[str, NameVariant] = {}

        def put(text: str, factor: float, kind: str, confirmed: bool = False) -> None:
            if not text or text == term or (len(text) == 1 and self.lexicon.get(text) is None):
                return  # one character names a thing only when suppliers list it alone
            if text not in found or found[text].factor < factor:
                found[text] = NameVariant(term, text, factor, kind, confirmed)

        if _LATIN_RUN.search(term):
            for text, factor in self._english(term):
                put(text, factor, "english")
        attested = self.evidence(term) if _HAN.search(term) else WEAK_EVIDENCE
        for text in self._other_suffix(term):
            put(text, SYNONYM, "synonym")
        same_goods = self.dictionary.same_goods
        if attested >= WEAK_EVIDENCE and _HAN.search(term):
            for text, factor in self._strong_synonyms(term):
                put(text, factor, "synonym", same_goods(term, text))
        if attested < WEAK_EVIDENCE:
            for text, factor, kind in self._synonyms(term, attested):
                put(text, factor, kind, same_goods(term, text))
            # a word the dictionary knows, whose other name suppliers list, is no input slip
            known = any(v.confirmed for v in found.values())
            if len(term) >= 2:
                for text in self._short_forms(term):
                    put(text, SHORT_LONG, "short")
                for text in self._long_forms(term):
                    put(text, SHORT_LONG, "long")
                one_off = not found and attested < 1
                for text, factor in [] if known else self._typos(term, attested, one_off=one_off):
                    put(text, factor, "typo")
                if not found:  # the last resort: the same characters in another order
                    for text in self._reordered(term):
                        put(text, SHORT_LONG, "synonym")
        ranked = sorted(found.values(), key=lambda v: (-v.factor, v.text))
        return ranked[:MAX_VARIANTS]

    # -- dictionary ----------------------------------------------------------------------

    def _other_suffix(self, term: str) -> list[str]:
        """Listed names that are ``term`` with its last character swapped for an
        interchangeable one (:func:`interchangeable_suffixes`: 减速器 → 减速机)."""
        if len(term) < 3:
            return []
        swaps = interchangeable_suffixes(self.dictionary).get(term[-1], ())
        return [t for t in (term[:-1] + s for s in swaps) if self.evidence(t) >= 1]

    def _strong_synonyms(self, term: str) -> list[tuple[str, float]]:
        """Whole dictionary synonyms of a well-listed term whose main (first) sense is the
        term's main sense too, and that suppliers list widely themselves (at least half of
        :data:`WEAK_EVIDENCE`): the same goods under the other name (砼 → 混凝土, both
        *concrete* first), not a guess from a side sense (设施, *facilities*, is no 设备,
        *equipment* first; 传输, *transmission*, no 变速箱, a *gearbox* first)."""
        main = self.dictionary.main_sense(term)
        return [
            (w, SYNONYM * c)
            for w, c in self.dictionary.synonyms(term)
            if len(w) >= 2
            and self.dictionary.main_sense(w) == main
            and self.evidence(w) >= WEAK_EVIDENCE / 2
        ]

    def _synonyms(self, term: str, attested: float) -> list[tuple[str, float, str]]:
        """Dictionary synonyms of the term, or of one of its words (牡蛎油 → 蚝油); a
        replacement nobody lists may still be listed one character shorter (乙酸乙烯酯 →
        醋酸乙烯酯 → 醋酸乙烯). A term the listed names attest at all (``attested`` ≥ 1)
        takes only whole synonyms written with one of its characters (联轴节 → 联轴器, not 单位
        → 装置: suppliers already show what they mean by it)."""
        d = self.dictionary
        candidates = d.synonyms(term)
        if attested >= 1:
            candidates = [(w, c) for w, c in candidates if set(w) & set(term)]
        whole = [(w, c) for w, c in candidates if self._listed(w)]
        # 螺帽 is "nut", and so are 螺母 and 坚果: a synonym written with one of the term's
        # characters is the likelier reading, when there is one
        alike = [(w, c) for w, c in whole if set(w) & set(term)]
        out = [(w, SYNONYM * c, "synonym") for w, c in alike or whole]
        for start, end in d.words(term):
            if end - start == len(term) or end - start < 2:
                continue
            head, rest = term[:start], term[end:]
            # a kind of the head's thing stands for it (伺服马达 → 伺服电动机 → 伺服电机)
            kinds = end == len(term)
            for other, confidence in d.synonyms(term[start:end], single=True, kinds=kinds):
                text = head + other + rest
                factor = PART_SYNONYM * confidence
                if self._listed(text):
                    out.append((text, factor, "synonym"))
                else:  # shortened after the qualifiers only: they are the buyer's
                    out.extend(
                        (t, factor * SHORT_LONG, "synonym")
                        for t in self._shorter(text)
                        if t.startswith(head)
                    )
        return out

    def _english(self, term: str) -> list[tuple[str, float]]:
        """Chinese names for the English runs of ``term`` (the rest kept as it is)."""
        d = self.dictionary
        pieces: list[list[tuple[str, float]]] = []
        pos = 0
        for m in _LATIN_RUN.finditer(term):
            if m.start() > pos:
                pieces.append([(term[pos : m.start()], 1.0)])
            words = _WORD.findall(m.group())
            if len(words) == 1 and len(words[0]) <= 4 and not d.translate(words[0]):
                pieces.append([(m.group(), 1.0)])  # a code such as PCB, MTBE: kept
            else:
                pieces.append(self._translations(words))
            pos = m.end()
        if pos < len(term):
            pieces.append([(term[pos:], 1.0)])
        out: list[tuple[str, float]] = []
        for combo in itertools.islice(itertools.product(*pieces), 64):
            text = "".join(t for t, _ in combo).strip()
            factor = min(f for _, f in combo)
            if text != term and _HAN.search(text) and self._listed(text):
                out.append((text, SYNONYM * factor))
        return out

    def _translations(self, words: list[str]) -> list[tuple[str, float]]:
        """Chinese for an English phrase: whole (with the other Chinese names of the same
        thing: ``soda ash`` is 纯碱, which is also 碳酸钠), else word by word (the head last, as
        in Chinese), each combination a listed name confirms."""
        d = self.dictionary
        whole = d.translate(" ".join(words))
        if whole:
            out = dict.fromkeys(whole, 1.0)
            for word in whole:
                for other, confidence in d.synonyms(word):
                    out.setdefault(other, PART_SYNONYM / SYNONYM * confidence)
            return list(out.items())
        options = [d.translate(w)[:6] for w in words]
        if not all(options):
            return [(" ".join(words), 1.0)]
        combos = itertools.islice(itertools.product(*options), 64)
        composed = [("".join(c), 0.95) for c in combos]
        return [(t, f) for t, f in composed if self._listed(t)] or [(" ".join(words), 1.0)]

    # -- the catalog's own names ---------------------------------------------------------

    def _shorter(self, term: str) -> list[str]:
        """Listed names of three characters or more that are ``term`` less one character."""
        if len(term) < 4:
            return []
        texts = dict.fromkeys(term[:i] + term[i + 1 :] for i in range(len(term)))
        return [t for t in texts if self.lexicon.get(t) is not None]

    def _short_forms(self, term: str) -> list[str]:
        """Listed names that keep the first and last characters of ``term`` and some of the
        ones between, in order (温度控制器 → 温控器, 锂离子电池 → 锂电池), or that are
        ``term`` less one character (醋酸乙烯酯 → 醋酸乙烯)."""
        if len(term) < 3:
            return []
        if len(term) > _MAX_SUBSEQUENCE:
            return self._shorter(term)
        inner = term[1:-1]
        out = []
        for keep in range(len(inner) - 1, -1, -1):
            for chosen in itertools.combinations(range(len(inner)), keep):
                text = term[0] + "".join(inner[i] for i in chosen) + term[-1]
                if self.lexicon.get(text) is not None:
                    out.append(text)
        return list(dict.fromkeys([*out, *self._shorter(term)]))

    def _long_forms(self, term: str) -> list[str]:
        """Listed text with one more character inside ``term`` (无缝管 → 无缝钢管)."""
        if len(term) < 3:
            return []
        pattern = "|".join(
            f"{re.escape(term[:i])}[^\\x00{re.escape(term[i])}]{re.escape(term[i:])}"
            for i in range(1, len(term))
        )
        counts = Counter(m.group() for _, _, m in self.lexicon.store.matches(pattern))
        return [t for t, _ in counts.most_common(3)]

    def _reordered(self, term: str) -> list[str]:
        """Listed names with the same head (last character) written with the term's other
        characters in another order, one of them left out at most (热交换器 → 换热器); looked
        up by their sorted characters (:meth:`_sync_keys`)."""
        if not 3 <= len(term) <= _MAX_SUBSEQUENCE:
            return []
        self._sync_keys()
        names = self.lexicon.names
        body = term[:-1]
        keys = dict.fromkeys(
            [
                _sorted_chars(term),
                *(_sorted_chars(body[:i] + body[i + 1 :] + term[-1]) for i in range(len(body))),
            ]
        )
        out = []
        for key in keys:
            for i in self._sorted_ids.get(key, ()):
                text = names[i]
                if len(text) >= 3 and text[-1] == term[-1] and not _in_order(text, term):
                    out.append(text)
        return out[:3]

    def _one_off(self, term: str) -> Counter[str]:
        """Listed text one character apart from ``term`` where it reads as a word, counted.

        One regular expression for the positions after the first; the first is found through
        the rest of the term (a pattern led by a literal scans faster)."""
        names = self.lexicon.names
        counts: Counter[str] = Counter()
        rest = term[1:]
        for i, offset in self.lexicon.store.occurrences(rest):
            if offset > 0 and names[i][offset - 1] != term[0]:
                text = names[i][offset - 1 : offset + len(rest)]
                if self._word_like(text, names[i], offset - 1):
                    counts[text] += 1
        pattern = "|".join(
            f"{re.escape(term[:i])}[^\\x00{re.escape(term[i])}]{re.escape(term[i + 1 :])}"
            for i in range(1, len(term))
        )
        counts.update(
            m.group()
            for n, offset, m in self.lexicon.store.matches(pattern)
            if self._word_like(m.group(), names[n], offset)
        )
        return counts

    def prepare(self) -> None:
        """Read every listed name's pinyin and sorted characters now (it is otherwise done at
        the first typo or reordering look-up, and then only for names listed since)."""
        self._sync_keys()

    def _sync_keys(self) -> None:
        names = self.lexicon.names
        first = len(self._keys)
        if first < len(names):
            keys = [reading_key(n) for n in names[first:]]
            self._keys.extend(keys)
            for i, key in enumerate(keys, start=first):
                self._key_ids.setdefault(key, []).append(i)
                self._sorted_ids.setdefault(_sorted_chars(names[i]), []).append(i)

    def _typos(self, term: str, attested: float, *, one_off: bool) -> list[tuple[str, float]]:
        """Listed text read like ``term`` (homophones), else (with ``one_off``) one character
        apart, either only where it reads as a word (:meth:`_word_like`).

        A term the names do not attest at all is looked for inside every name; one they attest
        a little (连轴器, itself a slip in one name) only among whole names, and a homophone must
        then be attested three times as well (联轴器)."""
        if not _HAN.search(term) or len(term) < 2:
            return []
        self._sync_keys()
        names = self.lexicon.names
        limit = 1 if len(term) <= 3 else 2
        counts: Counter[str] = Counter()
        for key in _reading_keys(term):
            found: Iterable[tuple[int, int]] = (
                [(i, 0) for i in self._key_ids.get(key, ())]
                if attested >= 1
                else self._keys.occurrences(key)
            )
            for i, offset in found:
                text = names[i][offset : offset + len(term)]
                differ = sum(a != b for a, b in zip(text, term, strict=True))
                if 0 < differ <= limit and self._word_like(text, names[i], offset):
                    counts[text] += 1
        if attested >= 1:
            enough = 3 * attested
            homophones = [t for t in counts if self.evidence(t) >= enough][:3]
        else:
            homophones = [t for t, _ in counts.most_common(3)]
        if homophones:
            return [(t, HOMOPHONE) for t in homophones]
        if len(term) < 3 or not one_off:
            return []
        return [(t, ONE_OFF) for t, _ in self._one_off(term).most_common(2)]
