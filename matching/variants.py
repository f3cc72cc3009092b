"""Other ways buyers write the names in a catalog: synonyms, English, abbreviations, typos.

A buyer may name the goods a supplier lists by a synonym or trade name (氯仿 for 三氯甲烷),
in English (``heat exchanger``), by a short or a long form (锂离子电池 / 锂电池, 无缝管 /
无缝钢管), or with a pinyin input slip (流化钠 for 硫化钠). :class:`NameVariants` turns one
wanted term into the other terms it may stand for, each with the factor its matches are scaled
by (always below 1, so an exact match ranks first) and the kind shown in the reasons.

Where the knowledge comes from (nothing here is a per-product table):

- **A dictionary.** Headwords of CC-CEDICT that share an English sense are synonyms
  (纯碱 and 碳酸钠: *sodium carbonate*), whole or as a part of the term (牡蛎油 → 蚝油).
  The English gloss is a pivot: when the term's main sense is specific (no third headword
  has it, or the other's sense only adds a last word: *hydrogen peroxide solution*), the
  two name exactly the same goods, and the other name scores just below the term itself
  even where suppliers list the term too (:meth:`NameDictionary.pivots`);
  English is looked up by sense, a phrase whole or word by word in Chinese order
  (``servo motor`` → 伺服 + 电机); a kind of the head's thing stands for the head (伺服马达:
  马达 is *motor*, 电动机 *electric motor* → 伺服电机). Last characters that end many pairs
  of dictionary synonyms are interchangeable (减速器 / 减速机). The shipped subset and its
  licence: ``data/README.md``.
- **A curated English trade glossary** (``data/trade_glossary.csv``, :func:`trade_glossary`,
  written by hand with its selection rule) for the most listed goods the dictionary has no
  English for (DAP → 磷酸二铵, *cement clinker* → 商品熟料), read where the dictionary has no
  sense for a phrase or only names nobody lists (*inverter*: 反相器 → 逆变器).
- **OpenCC's phrase tables** for the words Taiwan writes for goods (伺服器 for 服务器, 积体电路
  for 集成电路, 镭射 for 激光), whole or inside a longer term (镭射切割机 → 激光切割机):
  :class:`RegionalNames`.
- **A curated table** of the trade's other names for goods no data above knows (电石 /
  碳化钙, 钨钢 / 硬质合金, 商砼 / 商品混凝土), written by hand with its selection rule
  (``data/trade_aliases.csv``, :func:`trade_aliases`), used as more synonym groups.
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

import csv
import gzip
import itertools
import re
from collections import Counter
from collections.abc import Container, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from matching.lexicon import Lexicon, TextStore
from matching.tokenize import simplified

__all__ = [
    "KIND_LABELS",
    "NameDictionary",
    "NameVariant",
    "NameVariants",
    "RegionalNames",
    "SynonymGroups",
    "describe",
    "name_dictionary",
    "qualifiers_agree",
    "read_as_note",
    "reading_key",
    "regional_names",
    "synonym_groups",
    "trade_aliases",
    "trade_glossary",
]

KIND_LABELS: dict[str, str] = {
    "synonym": "同义",
    "english": "英文",
    "short": "简称",
    "long": "全称",
    "typo": "疑似错字",
    "purpose": "按用途",
    "regional": "两岸用语",
}
"""How each kind of variant is named in the reasons."""

SYNONYM = 0.9
"""Factor of a dictionary synonym of the whole term, and of an English name."""
PART_SYNONYM = 0.85
"""Factor of the term with one of its words replaced by a dictionary synonym."""
GROUP_SYNONYM = 0.85
"""Factor of a name a synonym group gives for the whole term (a lexicon built from
encyclopaedia redirects is less sure than a dictionary's shared sense)."""
SHORT_LONG = 0.8
"""Factor of a short form (a listed name keeping the term's first and last characters) or a
long form (one character more)."""
MAX_INSERTED = 2
"""A long form has at most this many characters more than the term (one for a term of two)."""
LONGER = 0.95
"""A long form two characters longer counts this much less than one a character longer."""
HOMOPHONE = 0.85
"""Factor of a listed name read the same way in pinyin (an input-method slip)."""
FUZZY_SOUND = 0.8
"""Factor of a listed name read the same way but for one sound that pinyin input methods
let pass (前后鼻音 an/ang, en/eng, in/ing; 平翘舌 z/zh, c/ch, s/sh; n/l; f/h): likelier a slip
than any character one apart, less sure than a homophone."""
SWAPPED = 0.8
"""Factor of a listed name that is the term with two neighbouring characters swapped (晶多硅
for 多晶硅), for a term of three characters or more that nobody lists."""
MODIFIER_LEFT_OUT = 0.9
"""An English name whose leading words make no listed name (*high-precision*, *customized*)
is translated without them, this much weaker."""
ONE_OFF = 0.5
"""Factor of a listed name one character apart that is not read the same way: a guess,
weaker than an input of what the need is for that the term may name (0.8) and than a short
or long form (氟铝酸钾 for 氟铝酸钠 is another compound, not a slip)."""
WEAK_EVIDENCE = 5
"""Fallbacks (short and long forms, typos) are tried when fewer listed names contain the term."""
MAX_VARIANTS = 8
"""At most this many variants of one term (the best first)."""
MAX_SENSE_WORDS = 8
MAX_PHRASE_WORDS = 3
"""An English name is translated in phrases of at most this many words."""
MAX_CODE_LETTERS = 4
"""A word of an English name that the dictionary does not know is kept as a code (PVC, LED)
when it has at most this many letters."""
"""An English sense shared by more headwords than this is too vague to make synonyms."""
MIN_SUFFIX_PAIRS = 4
"""Two last characters are interchangeable (减速器 / 减速机) when at least this many pairs of
dictionary synonyms differ only by them."""
PIVOT_RANKS = 3
"""A word's main sense pivots to another headword only when it is among the other's first
this many senses."""
PIVOT_SIDE_SENSE = 0.9
"""Strength of a pivot through a sense that is not the other headword's main sense."""
SIDE_SENSE = 0.9
"""Factor by which a dictionary synonym counts less when the sense it shares with the term
is not its own main sense (豆油, *soy bean oil* first, for 豉油, *soy sauce*)."""
TERM_SENSE_STEP = 0.95
"""Factor per place, up to two, that the sense a dictionary synonym names first stands after
the term's own first sense: the term's earlier sense is the likelier reading (吊车 is *hoist*,
*crane*, *elevator* in that order: 起重机, *crane*, before 电梯, *elevator*)."""
PIVOT_EXTENDED = 0.85
"""Strength of a pivot through a sense one word longer (*X solution* for *X*)."""
REGIONAL = SYNONYM
"""Factor of the mainland word for a Taiwan word naming the same goods (伺服器 → 服务器): a
dictionary synonym of the whole term; the term with a regional word inside it replaced
(镭射切割机 → 激光切割机) counts :data:`PART_SYNONYM`, as a replaced word does."""
BRITISH_SPELLINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), american)
    for pattern, american in (
        # The regular British / American spelling differences (Wikipedia, "American and
        # British English spelling differences", the sections -our/-or, -re/-er, -ise/-ize,
        # -yse/-yze, -ogue/-og, ae and oe, doubled l, -ould/-old, -ence/-ense, -mme/-m, and
        # the words it names among them: aluminium, jewellery, sulphur, tyre, grey). Tried
        # on a word the dictionary does not know, kept only when the dictionary knows the
        # result (:meth:`NameDictionary._american`).
        (r"our(s?)$", r"or\1"),
        (r"([^aeiou])re(s?)$", r"\1er\2"),
        (r"yre(s?)$", r"ire\1"),
        (r"is(e|es|ed|ing|er|ers)$", r"iz\1"),
        (r"isation(s?)$", r"ization\1"),
        (r"ys(e|es|ed|ing|er|ers)$", r"yz\1"),
        (r"ogue(s?)$", r"og\1"),
        (r"^sulph", "sulf"),
        (r"aluminium", "aluminum"),
        (r"ellery$", "elry"),
        (r"ll(ed|ing|er|ers)$", r"l\1"),
        (r"ould(s|ed|ing|ings)?$", r"old\1"),
        (r"ae", "e"),
        (r"oe", "e"),
        (r"ence$", "ense"),
        (r"mme(s?)$", r"m\1"),
        (r"^grey", "gray"),
    )
)
"""British spellings of English words, as a pattern and its American replacement."""
_MAX_READINGS = 16
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("f", "h"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))
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
    exact: bool = False
    """Whether it names exactly the same goods (:meth:`NameDictionary.pivots`: the two are
    the only words of a specific English sense; or the term with its last character swapped
    for an interchangeable one, :func:`interchangeable_suffixes`): its matches then count as
    the term's own,
    scaled only by ``factor``, even when suppliers list the term itself too. Other variants
    count less when they do (a sub-type of what was asked beats a guess)."""


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

    def __init__(
        self,
        senses: dict[str, tuple[str, ...]],
        glossary: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.senses = senses
        self._glossary_raw = glossary or {}
        self._glossary: dict[str, tuple[str, ...]] | None = None
        self._glossed: dict[str, frozenset[str]] = {}
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
        self._extended_senses: dict[str, tuple[str, ...]] | None = None
        self._sense_words: frozenset[str] | None = None
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
                confidence = qualifiers_agree(qualifier, theirs)
                if confidence is None:
                    continue
                out[other] = max(out.get(other, 0.0), confidence)
        return list(out.items())

    def pivots(self, word: str) -> list[tuple[str, float]]:
        """Headwords naming exactly the same goods as ``word``, through a shared English
        sense that is specific, with a strength in ``(0, 1]``.

        The English gloss is the pivot: 纯碱 and 碳酸钠 are both *sodium carbonate*, 涤纶 and
        聚酯纤维 both *polyester fiber*. Specific means no third headword shares the sense (a
        vague sense such as *paint* or *equipment* joins many words that are not the same
        goods), the qualifiers do not disagree, it is the main (first) sense of ``word`` and
        among the first :data:`PIVOT_RANKS` of the other, and the other is no single
        character (氧气 is *oxygen*, and so is 氧, which names no goods). A sense of two
        words or more that the other's sense extends by a last word also pivots (*hydrogen
        peroxide* / *hydrogen peroxide solution*: 过氧化氢 / 双氧水), more weakly, when no
        third headword has that longer sense; an extra first word is not the same goods
        (*unplasticized polyvinyl chloride* is a kind of *polyvinyl chloride*).

        Strength: 1 when the sense is the other's main sense too, else
        :data:`PIVOT_SIDE_SENSE`; times :data:`PIVOT_EXTENDED` for an extended sense.

        Examples
        --------
        >>> d = NameDictionary({"纯碱": ("sodium carbonate", "soda ash"),
        ...     "碳酸钠": ("soda", "sodium carbonate{chemistry}"), "苏打": ("soda",),
        ...     "涂料": ("paint",), "漆": ("paint",), "颜料": ("paint",),
        ...     "过氧化氢": ("hydrogen peroxide",), "双氧水": ("hydrogen peroxide solution",)})
        >>> d.pivots("纯碱"), d.pivots("涂料"), d.pivots("双氧水")
        ([('碳酸钠', 0.9)], [], [('过氧化氢', 0.85)])
        """
        mine = self._qualified.get(word, {})
        if not mine:
            return []
        core, qualifier = next(iter(mine.items()))  # the main sense
        if core.startswith("="):
            return []
        found = [(o, core, 1.0) for o in self.by_sense.get(core, ()) if o != word]
        if len(found) > 1:
            return []  # a third word shares it: too vague to say "the same goods"
        found += [(o, core, PIVOT_EXTENDED) for o in self._extended().get(core, ())]
        for shorter in self._shortened(core):
            sharing = self.by_sense.get(shorter, ())
            found += [(o, shorter, PIVOT_EXTENDED) for o in sharing if len(sharing) == 1]
        out: dict[str, float] = {}
        for other, sense, factor in found:
            if other == word or len(other) == 1 < len(word):
                continue
            theirs = self._qualified[other]
            keys = list(theirs)
            at = keys.index(sense) if sense in theirs else self._rank_extended(keys, core)
            if at is None or at >= PIVOT_RANKS:
                continue
            if qualifiers_agree(qualifier, theirs.get(sense, "")) is None:
                continue
            strength = factor * (1.0 if at == 0 else PIVOT_SIDE_SENSE)
            out[other] = max(strength, out.get(other, 0.0))
        return sorted(out.items(), key=lambda kv: (-kv[1], kv[0]))

    @staticmethod
    def _shortened(core: str) -> list[str]:
        """A sense of three words or more less its last word (*X solution* → *X*)."""
        parts = core.split(" ")
        if len(parts) < 3:
            return []
        return [" ".join(parts[:-1])]

    def _rank_extended(self, keys: list[str], core: str) -> int | None:
        """Where among ``keys`` (another word's senses, in order) is ``core`` extended by a
        last word."""
        for at, key in enumerate(keys):
            if core in self._shortened(key):
                return at
        return None

    def _extended(self) -> dict[str, tuple[str, ...]]:
        """Each sense of two words or more → the headwords having a sense one word longer
        that no other headword has (built once)."""
        if self._extended_senses is None:
            out: dict[str, list[str]] = {}
            for sense, words in self.by_sense.items():
                if len(words) != 1:
                    continue
                for shorter in self._shortened(sense):
                    out.setdefault(shorter, []).append(words[0])
            self._extended_senses = {k: tuple(dict.fromkeys(v)) for k, v in out.items()}
        return self._extended_senses

    def is_element(self, char: str) -> bool:
        """Whether ``char`` names a chemical element: a single character whose main sense the
        dictionary marks as chemistry (锌, *zinc{chemistry}*) or that says so (金).

        Examples
        --------
        >>> d = name_dictionary()
        >>> d.is_element("锌"), d.is_element("钠"), d.is_element("盖"), d.is_element("钢")
        (True, True, False, False)
        """
        senses = self.senses.get(char, ()) if len(char) == 1 else ()
        return bool(senses) and (
            "chemistry" in senses[0].partition("{")[2] or "chemical element" in senses
        )

    def sense_cores(self, word: str) -> list[str]:
        """The senses of ``word`` without their qualifiers, in the dictionary's order (main
        sense first; a sense listed twice with two qualifiers stays twice)."""
        return [s.partition("{")[0] for s in self.senses.get(word, ())]

    def main_sense(self, word: str) -> str | None:
        """The first sense of ``word`` without its qualifier (the dictionary lists the main
        sense first), or ``None``."""
        senses = self.senses.get(word)
        return senses[0].partition("{")[0] if senses else None

    def has_sense(self, word: str, sense: str | None) -> bool:
        """Whether ``sense`` (without its qualifier) is one of the senses of ``word``."""
        return sense is not None and sense in self._qualified.get(word, {})

    def same_goods(self, word: str, other: str) -> bool:
        """Whether the main (first) sense of one of the two words is a sense of the other:
        the same goods under two names (纯碱 and 碳酸钠, *sodium carbonate*), not two words that
        only meet in a side sense."""
        mine = self._qualified.get(word, {})
        theirs = self._qualified.get(other, {})
        a, b = self.main_sense(word), self.main_sense(other)
        return bool(mine and theirs) and (a in theirs or b in mine)

    def translate(self, english: str, *, glossary: bool = True) -> list[str]:
        """Headwords one of whose senses is ``english`` (lower case; a plural tried singular);
        for one word, also those whose two-word sense has it as the head (``foil``: 箔,
        *metal foil*). A phrase none of whose forms is a sense reads as the names the trade
        glossary gives it (:meth:`glossary`): the dictionary first, the glossary where it has
        nothing (with ``glossary=False``, never)."""
        phrase = english.lower().strip()
        found: tuple[str, ...] = ()
        american = self._american(phrase)
        forms = (phrase, *_singulars(phrase))
        if american != phrase:
            forms += (american, *_singulars(american))
        for form in forms:
            found = self.by_sense.get(form, ())
            if found:
                phrase = form
                break
        glossed = () if found or not glossary else self.glossed(english)
        if " " in phrase:
            return list(dict.fromkeys((*found, *glossed)))
        return list(dict.fromkeys((*found, *glossed, *self._heads.get(phrase, ()))))

    def glossary(self) -> dict[str, tuple[str, ...]]:
        """The trade glossary's English (:func:`trade_glossary`) → its Chinese names, each
        English name also spelled the American way the dictionary spells (*aluminium ingot*:
        *aluminum ingot*) and singular (built once)."""
        if self._glossary is None:
            out: dict[str, list[str]] = {}
            for english, names in self._glossary_raw.items():
                american = self._american(english)
                for form in dict.fromkeys((english, american, *_singulars(american))):
                    out.setdefault(form, []).extend(names)
                for name in names:
                    self._glossed[name] = self._glossed.get(name, frozenset()) | {english, american}
            self._glossary = {k: tuple(dict.fromkeys(v)) for k, v in out.items()}
        return self._glossary

    def glossed(self, english: str) -> tuple[str, ...]:
        """The names the trade glossary gives ``english`` (lower case; a plural tried
        singular, a British spelling American)."""
        phrase = english.lower().strip()
        american = self._american(phrase)
        glossary = self.glossary()
        for form in (phrase, *_singulars(phrase), american, *_singulars(american)):
            if form in glossary:
                return glossary[form]
        return ()

    def glosses(self, word: str, forms: Iterable[str]) -> bool:
        """Whether the trade glossary names ``word`` by one of the English ``forms``."""
        self.glossary()
        names = self._glossed.get(word, frozenset())
        return any(self._american(f.replace("-", " ")) in names for f in forms)

    def vocabulary(self) -> frozenset[str]:
        """Every English word of the senses (built once); not the trade glossary's, so that
        a reading without the glossary is the dictionary's alone (:meth:`NameVariants._translations`)."""
        if self._sense_words is None:
            self._sense_words = frozenset(w for sense in self.by_sense for w in sense.split(" "))
        return self._sense_words

    def _american(self, phrase: str) -> str:
        """``phrase`` with each word the dictionary does not know as a sense of its own, nor
        singular, spelled the American way (:data:`BRITISH_SPELLINGS`: *sulphuric* →
        *sulfuric*, *tyres* → *tires*, *fibre* → *fiber*) when that spelling is one it knows;
        the dictionary's English is American."""
        vocabulary = self.vocabulary()
        out = []
        for word in phrase.split(" "):
            if not any(f in vocabulary for f in (word, *_singulars(word))):
                for pattern, american in BRITISH_SPELLINGS:
                    other = pattern.sub(american, word)
                    if other != word and any(f in vocabulary for f in (other, *_singulars(other))):
                        word = other
                        break
            out.append(word)
        return " ".join(out)

    def words(self, term: str) -> list[tuple[int, int]]:
        """``(start, end)`` of the headwords in ``term``, longest first at each position."""
        return longest_words(term, self.senses, self.max_len)


REGISTER_LABELS = frozenset(
    {
        "archaic",
        "bound form",
        "classical",
        "coll",
        "derog",
        "dialect",
        "fig",
        "internet slang",
        "literary",
        "loanword",
        "old",
        "slang",
        "tw",
        "cantonese",
        "hong kong usage",
        "abbr",
    }
)
"""Qualifiers that say where or how a word is used (*loanword*, *Tw*, *dialect*), not which
thing it names: 培林 is a *bearing{mechanical; loanword}*, the same goods as 轴承, a
*bearing{mechanical}*."""


def longest_words(term: str, known: Container[str], max_len: int) -> list[tuple[int, int]]:
    """``(start, end)`` of the words of ``known`` in ``term`` (none longer than ``max_len``),
    from left to right, the longest at each place, without overlap.

    >>> longest_words("锂电池组", {"锂", "电池", "锂电池"}, 3)
    [(0, 3)]
    """
    out: list[tuple[int, int]] = []
    start = 0
    while start < len(term):
        for end in range(min(len(term), start + max_len), start, -1):
            if term[start:end] in known:
                out.append((start, end))
                start = end
                break
        else:
            start += 1
    return out


def _meaning_labels(qualifier: str) -> frozenset[str]:
    parts = (p.strip() for p in qualifier.split(";"))
    return frozenset(
        p
        for p in parts
        if p
        and p not in REGISTER_LABELS
        and not p.startswith(("loanword", "dialect"))
        and not p.endswith((" dialect", " usage"))
    )


def qualifiers_agree(mine: str, theirs: str) -> float | None:
    """How far two bracketed qualifiers of the same English sense agree: 1 when they say the
    same, 0.9 when one says nothing more than the other (none, or a part of the other's,
    labels of register such as *loanword* or *Tw* aside), ``None`` when they disagree (two
    things: *nut{of a bolt}* is no *nut{food}*).

    Examples
    --------
    >>> qualifiers_agree("mechanical; loanword", "mechanical"), qualifiers_agree("", "food")
    (0.9, 0.9)
    >>> qualifiers_agree("msg", "msg; e621"), qualifiers_agree("bolt", "food") is None
    (0.9, True)
    """
    if mine == theirs:
        return 1.0
    a, b = _meaning_labels(mine), _meaning_labels(theirs)
    if not a or not b or a <= b or b <= a:
        return 0.9
    return None


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


_FUNCTION_WORDS = frozenset(
    ("A", "AN", "THE", "FOR", "OF", "AND", "OR", "WITH", "TO", "IN", "ON", "AT", "BY", "FROM"),
) | frozenset(("PER", "AS", "INTO", "OUR", "YOUR"))
"""English articles, prepositions, conjunctions and possessives: no name of goods starts or
ends with one."""
_SPEC_WORD = re.compile(r"^(?P<word>[A-Z]{3,})?[0-9]")
_GLOSSED_IN_BRACKETS = re.compile(r"\s*([^()]+?)\s*\(\s*([^()]+?)\s*\)\s*")
"""A name with another name of it in brackets: ``APT(AMMONIUM PARATUNGSTATE)``."""


def without_specs(term: str) -> str:
    """An English name without its grades and sizes: a word with a digit is left out, but
    for the letters of three or more it starts with (normalising glues a number to the word
    before it: ``SULPHURIC ACID98%``); the term as it is when nothing else is left.

    >>> without_specs("COTTON YARN32S"), without_specs("READY MIXED CONCRETE C30")
    ('COTTON YARN', 'READY MIXED CONCRETE')
    >>> without_specs("8MM COPPER WIRE ROD"), without_specs("IGBT")
    ('COPPER WIRE ROD', 'IGBT')
    """
    out = []
    for word in term.split(" "):
        if not any(c.isdigit() for c in word):
            out.append(word)
            continue
        m = _SPEC_WORD.match(word)
        if m is not None:  # ACID98%: the word, its grade glued on; C30, 8MM: a spec only
            out.append(m.group("word") or "")
    kept = " ".join(w for w in out if w)
    return kept if re.search(r"[A-Z]{2}", kept) else term


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


@cache
def plastics_abbreviations() -> dict[str, str]:
    """ISO 1043-1 symbol of a basic polymer → its English name (``data/plastics_abbreviations.csv``;
    see ``data/README.md``)."""
    return {row["abbreviation"]: row["english"] for row in _csv_rows("plastics_abbreviations.csv")}


def _csv_rows(name: str) -> list[dict[str, str]]:
    """A hand-written table of ``data/`` by its header's columns; ``#`` lines are comments."""
    text = resources.files("matching.data").joinpath(name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines))


def _data_lines(name: str) -> Iterable[list[str]]:
    blob = resources.files("matching.data").joinpath(name).read_bytes()
    for line in gzip.decompress(blob).decode("utf-8").splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


def _folded_lines(name: str) -> Iterable[list[str]]:
    """A shipped table's lines with each word's variant characters folded as
    :func:`matching.tokenize.normalize` folds the names they are compared with (胶黏剂 →
    胶粘剂, :data:`matching.tokenize.VARIANT_CHARS`)."""
    for fields in _data_lines(name):
        yield [simplified(f) for f in fields]


def folded_senses(rows: Iterable[list[str]]) -> dict[str, tuple[str, ...]]:
    """Headword → senses, two headwords that fold to one word (胶黏剂, 胶粘剂) merged in order.

    >>> folded_senses([["胶黏剂", "glue|adhesive"], ["胶粘剂", "adhesive|binder"]])
    {'胶粘剂': ('glue', 'adhesive', 'binder')}
    """
    out: dict[str, tuple[str, ...]] = {}
    for word, senses in rows:
        key = simplified(word)
        out[key] = tuple(dict.fromkeys((*out.get(key, ()), *senses.split("|"))))
    return out


@cache
def trade_glossary() -> dict[str, tuple[str, ...]]:
    """English trade name (lower case, a hyphen read as a space) → the catalog's Chinese names
    it names (``data/trade_glossary.csv``, written by hand for the most listed goods the
    dictionary has no English for: *diammonium phosphate* and DAP → 磷酸二铵, *solar inverter*
    → 光伏逆变器; provenance and selection rule in ``data/README.md``).

    >>> trade_glossary()["dap"]
    ('磷酸二铵',)
    """
    out: dict[str, list[str]] = {}
    for row in _csv_rows("trade_glossary.csv"):
        key = " ".join(row["english"].lower().replace("-", " ").split())
        out.setdefault(key, []).append(simplified(row["chinese"]))
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


@cache
def name_dictionary() -> NameDictionary:
    """The shipped dictionary (``data/cedict_goods.tsv.gz``) with the trade glossary's English
    (:func:`trade_glossary`), loaded once."""
    return NameDictionary(folded_senses(_data_lines("cedict_goods.tsv.gz")), trade_glossary())


class SynonymGroups:
    """Small groups of words naming the same thing (the shipped extract of a Chinese synonym
    lexicon, ``data/synonym_groups.tsv.gz``: built from Chinese Wikipedia's redirects and a
    synonym dictionary): 混凝土 / 砼, 培林 / 轴承, 钢化玻璃 / 强化玻璃 / 淬火玻璃.

    Examples
    --------
    >>> g = SynonymGroups([("培林", "轴承", "啤令"), ("轴承", "轴瓦")])
    >>> g.mates("培林"), g.mates("轴承")
    (('轴承', '啤令'), ('培林', '啤令', '轴瓦'))
    """

    def __init__(self, groups: Iterable[Iterable[str]]) -> None:
        mates: dict[str, list[str]] = {}
        for group in groups:
            words = list(dict.fromkeys(group))
            for word in words:
                mates.setdefault(word, []).extend(
                    w for w in words if w != word and not _negates(w, word)
                )
        self._mates = {w: tuple(dict.fromkeys(ms)) for w, ms in mates.items()}
        self.max_len = max((len(w) for w in self._mates), default=0)

    def mates(self, word: str) -> tuple[str, ...]:
        """The other words of the groups holding ``word``."""
        return self._mates.get(word, ())

    def __contains__(self, word: object) -> bool:
        return word in self._mates


class RegionalNames:
    """The mainland words for words written in Taiwan (the shipped extract of OpenCC's phrase
    tables, ``data/regional_names.tsv.gz``), both in simplified characters.

    Examples
    --------
    >>> r = RegionalNames([("伺服器", "服务器"), ("镭射", "激光")])
    >>> r.mainland("伺服器"), r.mainland("服务器")
    (('服务器',), ())
    >>> r.replaced("镭射切割机")
    [('激光切割机', False)]
    >>> r.replaced("伺服器")
    [('服务器', True)]
    """

    def __init__(self, pairs: Iterable[Iterable[str]]) -> None:
        mainland: dict[str, list[str]] = {}
        for regional, word in (tuple(p) for p in pairs):
            mainland.setdefault(regional, []).append(word)
        self._mainland = {w: tuple(dict.fromkeys(ms)) for w, ms in mainland.items()}
        self.max_len = max((len(w) for w in self._mainland), default=0)

    def mainland(self, word: str) -> tuple[str, ...]:
        """The mainland words for the regional ``word`` (none when it is not one)."""
        return self._mainland.get(word, ())

    def replaced(self, term: str) -> list[tuple[str, bool]]:
        """``term`` with one of its regional words (the longest at each place) replaced by a
        mainland word, the rest kept, and with all of them replaced; each with whether the
        whole term was the regional word."""
        out: dict[str, bool] = {}
        spans = longest_words(term, self._mainland, self.max_len)
        for start, end in spans:
            for word in self._mainland[term[start:end]]:
                text = term[:start] + word + term[end:]
                out.setdefault(text, end - start == len(term))
        if len(spans) > 1:
            pieces, pos = [], 0
            for start, end in spans:
                pieces += [term[pos:start], self._mainland[term[start:end]][0]]
                pos = end
            out.setdefault("".join(pieces) + term[pos:], False)
        return list(out.items())


@cache
def regional_names() -> RegionalNames:
    """The shipped regional words (``data/regional_names.tsv.gz``), loaded once."""
    return RegionalNames(_folded_lines("regional_names.tsv.gz"))


NEGATIONS = "非无不未反"
"""Prefixes that turn a word into its opposite (金属 / 非金属, 极性 / 非极性): a synonym
lexicon built from encyclopaedia redirects may group the two, but they name other goods."""


def _negates(word: str, other: str) -> bool:
    """Whether one of the two words is the other with a negating prefix (:data:`NEGATIONS`).

    Examples
    --------
    >>> _negates("非金属", "金属"), _negates("金属", "非金属"), _negates("无纺布", "纺布")
    (True, True, True)
    >>> _negates("混凝土", "砼")
    False
    """
    long, short = (word, other) if len(word) > len(other) else (other, word)
    return len(long) == len(short) + 1 and long[0] in NEGATIONS and long[1:] == short


def trade_aliases() -> list[list[str]]:
    """The curated groups of other names the trade uses for one goods (``data/trade_aliases.csv``,
    written by hand: 俗称, 商品名, 学名, 简称 the shipped dictionaries do not hold, such as
    电石 / 碳化钙, 硬质合金 / 钨钢, 商品混凝土 / 商砼 / 预拌混凝土; provenance and selection
    rule in ``data/README.md``), each word folded as :func:`_folded_lines` folds them.

    >>> ["电石", "碳化钙"] in trade_aliases()
    True
    """
    return [
        [simplified(w.strip()) for w in row["names"].split("/")]
        for row in _csv_rows("trade_aliases.csv")
    ]


@cache
def synonym_groups() -> SynonymGroups:
    """The shipped synonym groups (``data/synonym_groups.tsv.gz``) and the curated trade
    aliases (:func:`trade_aliases`), loaded once."""
    return SynonymGroups(itertools.chain(_folded_lines("synonym_groups.tsv.gz"), trade_aliases()))


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


@cache
def _fuzzy_syllables() -> dict[str, tuple[str, ...]]:
    """Each syllable's neighbours under the fuzzy sounds of pinyin input methods
    (:data:`FUZZY_SOUND`), only those that are syllables themselves (zhan → zan, zhang)."""
    known = _syllable_codes()
    out: dict[str, tuple[str, ...]] = {}
    for syllable in known:
        alts: list[str] = []
        for a, b in _FUZZY_INITIALS:
            for x, y in ((a, b), (b, a)):
                if syllable.startswith(x) and not (len(x) == 1 and syllable[1:2] == "h"):
                    alts.append(y + syllable[len(x) :])
        for a, b in _FUZZY_FINALS:
            if syllable.endswith(a):
                alts.append(syllable[: -len(a)] + b)
            elif syllable.endswith(b):
                alts.append(syllable + "g")
        found = tuple(dict.fromkeys(x for x in alts if x in known and x != syllable))
        if found:
            out[syllable] = found
    return out


def _fuzzy_keys(term: str) -> list[str]:
    """Reading keys of ``term`` with one character read with a fuzzy neighbour of one of its
    readings (:func:`_fuzzy_syllables`), the others with their most common reading."""
    readings, codes, fuzzy = _readings(), _syllable_codes(), _fuzzy_syllables()
    base = [codes[readings[c][0]] if c in readings else c for c in term]
    keys: list[str] = []
    for i, char in enumerate(term):
        for reading in readings.get(char, ())[:1]:
            for alt in fuzzy.get(reading, ()):
                keys.append("".join([*base[:i], codes[alt], *base[i + 1 :]]))
    return list(dict.fromkeys(keys))[:_MAX_READINGS]


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

    def __init__(
        self,
        lexicon: Lexicon,
        dictionary: NameDictionary | None = None,
        groups: SynonymGroups | None = None,
        regional: RegionalNames | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.dictionary = dictionary or name_dictionary()
        self.groups = groups if groups is not None else synonym_groups()
        self.regional = regional if regional is not None else regional_names()
        self._pairs: set[str] = set()
        self._pairs_seen = 0
        self._keys = TextStore()
        self._key_ids: dict[str, list[int]] = {}
        self._sorted_ids: dict[str, list[int]] = {}
        self._key_pairs: set[str] = set()

    def _may_be_listed(self, text: str) -> bool:
        """Whether every pair of neighbouring characters of ``text`` occurs in a listed name:
        a set look-up that spares most scans of the names for a candidate nobody lists."""
        names = self.lexicon.names
        if self._pairs_seen < len(names):
            for name in names[self._pairs_seen :]:
                self._pairs.update(name[i : i + 2] for i in range(len(name) - 1))
            self._pairs_seen = len(names)
        pairs = self._pairs
        return all(text[i : i + 2] in pairs for i in range(len(text) - 1))

    def _listed(self, text: str) -> int:
        """How many listed names contain ``text`` (up to :data:`WEAK_EVIDENCE`)."""
        if not self._may_be_listed(text):
            return 0
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
        if not self._may_be_listed(term):
            return 0.0
        names = self.lexicon.names
        total = 0.0
        for i, offset in self.lexicon.store.occurrences(term):
            total += 1.0 if offset + len(term) == len(names[i]) else 0.5
            if total >= WEAK_EVIDENCE:
                break
        return total

    def _ends_a_name(self, text: str) -> bool:
        """Whether a listed name ends with ``text`` (it, or a kind of it)."""
        if not self._may_be_listed(text):
            return False
        names = self.lexicon.names
        return any(
            offset + len(text) == len(names[i])
            for i, offset in self.lexicon.store.occurrences(text)
        )

    def _names_or_heads(self, text: str) -> bool:
        """Whether a listed name starts with ``text`` or ends with it as a word of its own:
        not with its first character closing a dictionary word (率转换器 ends 频率转换器, but
        频率 is the word there; 铜箔 ends 电解铜箔 as a word)."""
        names, words = self.lexicon.names, self.dictionary.senses
        for i, offset in self.lexicon.store.occurrences(text):
            name = names[i]
            if offset == 0:
                return True  # the name, or its first word (不锈钢管 of 不锈钢管材)
            if offset + len(text) == len(name) and name[offset - 1 : offset + 1] not in words:
                return True
        return False

    def _word_like(self, text: str, name: str, offset: int) -> bool:
        """Whether ``text`` found at ``offset`` in a listed ``name`` reads as a word there: a
        dictionary word, or at the start or end of the name (瓷涂 inside 陶瓷涂料 is neither)."""
        return text in self.dictionary.senses or offset == 0 or offset + len(text) == len(name)

    def _splits_a_word(self, text: str, name: str, offset: int) -> bool:
        """Whether ``text``, found at ``offset`` in a listed ``name`` and no dictionary word
        itself, starts inside a two-character dictionary word of the name: a piece cut
        across the name's words (药饮片 inside 中药饮片, where 中药 is the word), not a name
        or a name's head. Its end may cut a word: a short form keeps a word's first
        character (箱式变 of 箱式变电站 for 箱变, 耐火材 of 耐火材料 for 耐材)."""
        words = self.dictionary.senses
        return text not in words and offset > 0 and name[offset - 1 : offset + 1] in words

    def of(self, term: str) -> list[NameVariant]:
        """The variants of one normalised wanted term, best first (the term itself excluded).

        English names are always tried; synonyms, short and long forms only when the listed
        names attest the term less than :data:`WEAK_EVIDENCE` (:meth:`evidence`: a
        well-listed name means what suppliers mean by it; a dictionary's other senses would
        only add noise); typos then too, but a term they attest at all is only compared with
        whole names (:meth:`_typos`).
        """
        found: dict[str, NameVariant] = {}

        def put(
            text: str, factor: float, kind: str, confirmed: bool = False, exact: bool = False
        ) -> None:
            if not text or text == term or (len(text) == 1 and self.lexicon.get(text) is None):
                return  # one character names a thing only when suppliers list it alone
            had = found.get(text)
            if had is None or had.factor < factor:
                exact = exact or (had is not None and had.exact)
                found[text] = NameVariant(term, text, factor, kind, confirmed or exact, exact)

        if _LATIN_RUN.search(term):
            for text, factor in self._english(term):
                put(text, factor, "english")
        attested = self.evidence(term) if _HAN.search(term) else WEAK_EVIDENCE
        if _HAN.search(term):
            for text, strength in self._pivots(term):
                put(text, SYNONYM * strength, "synonym", exact=True)
        for text in self._other_suffix(term):
            put(text, SYNONYM, "synonym", exact=True)
        same_goods = self.dictionary.same_goods
        if attested >= WEAK_EVIDENCE and _HAN.search(term):
            for text, factor in self._strong_synonyms(term):
                put(text, factor, "synonym", same_goods(term, text))
            for text in self.groups.mates(term):
                if self.evidence(text) >= WEAK_EVIDENCE / 2:
                    # the dictionary and the lexicon agree (砼 / 混凝土: both *concrete*
                    # first, and grouped): the same goods, no guess
                    both = text in found and found[text].confirmed
                    put(text, GROUP_SYNONYM, "synonym", confirmed=True, exact=both)
        if attested < WEAK_EVIDENCE and _HAN.search(term):
            # a Taiwan word for goods the suppliers list under the mainland word: the same
            # goods (exact), never a typo to guess at
            for text, whole in self.regional.replaced(term):
                if self._listed(text):
                    put(text, REGIONAL if whole else PART_SYNONYM, "regional", exact=True)
        if attested < WEAK_EVIDENCE:
            for text, factor, kind in self._synonyms(term, attested):
                exact = self._covers(text, term)
                put(text, factor, kind, same_goods(term, text) or exact, exact=exact)
            for text, factor in self._group_synonyms(term):
                put(text, factor, "synonym", confirmed=True)
            # a word the dictionary knows, whose other name suppliers list, is no input slip
            known = any(v.confirmed for v in found.values())
            if len(term) >= 2:
                for text in self._short_forms(term):
                    if not self._word_of_its_own(term, text):
                        put(text, SHORT_LONG, "short")
                # a known word is no name cut short either (电瓶 is no 电水瓶)
                for text, factor in [] if known else self._long_forms(term):
                    put(text, factor, "long")
                one_off = attested < 1 and all(v.kind != "synonym" for v in found.values())
                longer = [v.text for v in found.values()]
                for text, factor in [] if known else self._typos(term, attested, one_off=one_off):
                    if not any(text in other for other in longer):  # 无缝钢 of 无缝钢管: cut
                        put(text, factor, "typo")
                for text in [] if known or attested >= 1 else self._swapped(term):
                    put(text, SWAPPED, "typo")
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

    def _pivots(self, term: str) -> list[tuple[str, float]]:
        """Listed names of exactly the same goods as the term (:meth:`NameDictionary.pivots`),
        with their strength: the whole term's, or the term with one of its words replaced by
        that word's (高纯纯碱 → 高纯碳酸钠), weaker by :data:`PART_SYNONYM` / :data:`SYNONYM`."""
        d = self.dictionary
        out = [(w, s) for w, s in d.pivots(term) if self._listed(w)]
        for start, end in d.words(term):
            if end - start == len(term) or end - start < 2:
                continue
            for other, strength in d.pivots(term[start:end]):
                text = term[:start] + other + term[end:]
                if self._listed(text):
                    out.append((text, strength * PART_SYNONYM / SYNONYM))
        return out

    def _group_synonyms(self, term: str) -> list[tuple[str, float]]:
        """Listed names that a synonym group gives for the term (砼 → 混凝土), or for one of
        its words with the rest kept (沥青砼 → 沥青混凝土, more weakly)."""
        groups = self.groups
        out = [(w, GROUP_SYNONYM) for w in groups.mates(term) if self._listed(w)]
        for start in range(len(term)):
            for end in range(min(len(term), start + groups.max_len), start, -1):
                if end - start == len(term) or term[start:end] not in groups:
                    continue
                if end - start == 1 and end < len(term):
                    continue  # one character names a thing only as the head (沥青砼)
                for other in groups.mates(term[start:end]):
                    text = term[:start] + other + term[end:]
                    # a name, or a name's head: not a fragment inside one (强化玻 in 强化玻璃);
                    # a head of one character swapped must end a name (电气成 of 电气成套设备
                    # is no 电气备: 成 and 备 are grouped as *ready*)
                    if len(text) > 1 and self.evidence(text) >= 1:
                        if end - start == 1 and not self._ends_a_name(text):
                            continue
                        out.append((text, GROUP_SYNONYM * PART_SYNONYM / SYNONYM))
        return out

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
        # and one meaning the term's sense first is likelier than one that has it aside (豉油
        # is *soy sauce*: 酱油 first, 豆油 *soy bean oil* first, *soy sauce* in a dialect)
        out = [(w, SYNONYM * c * self._sense_order(term, w), "synonym") for w, c in alike or whole]
        for start, end in d.words(term):
            if end - start == len(term) or end - start < 2:
                continue
            head, rest = term[:start], term[end:]
            # a kind of the head's thing stands for it (伺服马达 → 伺服电动机 → 伺服电机)
            kinds = end == len(term)
            for other, confidence in d.synonyms(term[start:end], single=True, kinds=kinds):
                text = head + other + rest
                factor = PART_SYNONYM * confidence
                if len(other) == 1 < end - start and self.lexicon.get(text) is None:
                    # a word cut to one character (空气 → 气, 玻璃 → 玻) names the goods
                    # only as a whole listed name, not as a fragment of one (气开关)
                    continue
                if self._listed(text):
                    out.append((text, factor, "synonym"))
                else:  # shortened after the qualifiers only: they are the buyer's
                    out.extend(
                        (t, factor * SHORT_LONG, "synonym")
                        for t in self._shorter(text)
                        if t.startswith(head)
                    )
        return out

    def _covers(self, word: str, term: str) -> bool:
        """Whether the dictionary gives ``word`` the term's main sense first and every other
        sense of the term too: it means all the buyer's word means (衬衣, *shirt*, and 衬衫,
        *shirt*, *blouse*), so it names the same goods, no guess. A term with a sense the
        other lacks may mean something else (砂石 is *sandstone*, but also *sand and stone*
        and *aggregate*, which 砂岩 is not)."""
        d = self.dictionary
        mine = d.sense_cores(term)
        return (
            bool(mine) and d.main_sense(word) == mine[0] and all(d.has_sense(word, s) for s in mine)
        )

    def _two_words(self, term: str, other: str) -> bool:
        """Whether ``term`` and ``other`` are both dictionary headwords naming different
        things (their main senses differ): a word written as it is meant, not the other
        mistyped (菜油, *rapeseed oil*, is no 柴油, *diesel*, misheard)."""
        d = self.dictionary
        a, b = d.main_sense(term), d.main_sense(other)
        return a is not None and b is not None and a != b and not d.same_goods(term, other)

    def _sense_order(self, term: str, word: str) -> float:
        """How a dictionary synonym ``word`` of ``term`` ranks by sense: 1 when its main sense
        is the term's main sense, less by :data:`TERM_SENSE_STEP` for each place (up to two)
        its main sense stands later among the term's senses, :data:`SIDE_SENSE` when its
        main sense is no sense of the term."""
        d = self.dictionary
        main = d.main_sense(word)
        senses = d.sense_cores(term)
        if main not in senses:
            return SIDE_SENSE
        return TERM_SENSE_STEP ** min(senses.index(main), 2)

    def _english(self, term: str) -> list[tuple[str, float]]:
        """Chinese names for the English runs of ``term`` (the rest kept as it is; in a term
        without Chinese, the grades and sizes are left out, :func:`without_specs`)."""
        d = self.dictionary
        m = _GLOSSED_IN_BRACKETS.fullmatch(term)
        if m is not None:  # an abbreviation and its full name, or the other way round: each
            return [found for part in m.groups() for found in self._english(part)]
        if not _HAN.search(term):
            term = without_specs(term)
        pieces: list[list[tuple[str, float]]] = []
        pos = 0
        for m in _LATIN_RUN.finditer(term):
            if m.start() > pos:
                pieces.append([(term[pos : m.start()], 1.0)])
            words = _WORD.findall(m.group())
            if len(words) == 1 and len(words[0]) <= 4 and not d.translate(words[0]):
                # a code such as PCB, MTBE: kept; a plastic's symbol also read as its name
                pieces.append([(m.group(), 1.0), *self._spelled_out(words[0])])
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
        """Chinese for an English phrase (:meth:`_readings`): the trade glossary's names when
        it names the whole phrase (:meth:`NameDictionary.glossed`); else the phrase read with
        the glossary and without it, so a glossary name for a part adds to the dictionary's
        reading and takes none of it away (*granular DAP fertilizer*: the glossary's 磷酸二铵
        for *DAP*, and the dictionary's reading of the rest)."""
        phrase = " ".join(words).lower()
        if self.dictionary.glossed(phrase) or self.dictionary.glossed(phrase.replace("-", " ")):
            return self._readings(words, glossary=True)  # the glossary names it whole
        out: dict[str, float] = {}
        for glossary in (False, True):
            for text, factor in self._readings(words, glossary=glossary):
                out[text] = max(factor, out.get(text, 0.0))
        return list(out.items())

    def _readings(self, words: list[str], *, glossary: bool) -> list[tuple[str, float]]:
        """Chinese for an English phrase (:meth:`_phrase`); when that gives no Chinese, the
        phrase without its leading words, a buyer's modifiers (*high-precision sulfur* →
        硫磺), weaker by :data:`MODIFIER_LEFT_OUT`."""
        out = self._phrase(words, glossary=glossary)
        if len(words) < 2 or any(_HAN.search(t) for t, _ in out):
            return out
        n = len(words)
        for size in range(n - 1, 0, -1):  # the most words first; the head's window first
            for first in range(n - size, -1, -1):
                if {words[first], words[first + size - 1]} & _FUNCTION_WORDS:
                    continue  # a phrase neither starts nor ends with *for*, *of*, *and* …
                head = first + size == n
                factor = MODIFIER_LEFT_OUT if head else MODIFIER_LEFT_OUT**2
                window = words[first : first + size]
                found = [(t, f * factor) for t, f in self._phrase(window, glossary=glossary)]
                if not head:  # without the head, the words must name goods, not a modifier
                    found = [(t, f) for t, f in found if self._ends_a_name(t)]
                if any(_HAN.search(t) for t, _ in found):
                    return found
        return out

    def _phrase(self, words: list[str], *, glossary: bool = True) -> list[tuple[str, float]]:
        """Chinese for an English phrase: whole (with the other Chinese names of the same
        thing: ``soda ash`` is 纯碱, which is also 碳酸钠, and their pivots,
        :meth:`NameDictionary.pivots`), else phrase by phrase, the longest the dictionary
        knows first (``stainless steel`` + ``pipe``: 不锈钢 + 管; the head last, as in Chinese;
        a hyphen parts words; a short unknown word is a code kept as it is: PVC管), each
        combination that is a listed name or a listed name's head."""
        d = self.dictionary
        phrase = " ".join(words).lower()
        whole = d.translate(phrase, glossary=glossary)
        if glossary and whole and not any(self._listed(w) for w in whole):
            # the dictionary's names nobody lists (inverter: 反相器, a logic gate): the trade
            # glossary's names too (逆变器)
            whole += [w for w in d.glossed(phrase) if w not in whole]
        if whole:
            # a headword whose main sense the phrase is comes first (yarn: 纱线, not 棉纱)
            forms = {phrase, *_singulars(phrase)}
            out = {
                w: 1.0 if d.main_sense(w) in forms or d.glosses(w, forms) else SIDE_SENSE
                for w in whole
            }
            for word in whole:
                for other, confidence in d.synonyms(word):
                    out.setdefault(other, PART_SYNONYM / SYNONYM * confidence)
                # and the pivot's other name (hydrogen peroxide: 过氧化氢, sold as 双氧水)
                for other, strength in d.pivots(word):
                    out[other] = max(out.get(other, 0.0), strength)
            # a name of the dictionary's that nobody lists stands for its head, a dictionary
            # word of two characters or more that suppliers list, more weakly (desktop
            # computer: 台式电脑, listed as 电脑)
            for word in [w for w in whole if not self._listed(w)]:
                for k in range(1, len(word) - 1):
                    head = word[k:]
                    if head in d.senses and self._listed(head):
                        out.setdefault(head, SHORT_LONG)
                        break
            return list(out.items())
        if any("-" in w for w in words):  # lithium-ion battery: lithium ion battery
            return self._phrase([p for w in words for p in w.split("-") if p], glossary=glossary)
        options: list[list[str]] = []
        i = 0
        while i < len(words):  # the longest phrases the dictionary knows, left to right
            for j in range(min(len(words), i + MAX_PHRASE_WORDS), i, -1):
                found = d.translate(" ".join(words[i:j]), glossary=glossary)[:6]
                if found:
                    options.append(found)
                    i = j
                    break
            else:
                if len(words[i]) > MAX_CODE_LETTERS:
                    read = self._pinyin(words[i])  # BAIJIU: Chinese goods in pinyin
                    if not read:
                        return [(" ".join(words), 1.0)]
                    options.append(read)
                    i += 1
                    continue
                # a code such as PVC or LED, kept (PVC管), and a plastic's symbol read as its
                # name too (PP: 聚丙烯)
                options.append([words[i], *(t for t, _ in self._spelled_out(words[i]))])
                i += 1
        if len(options) == 1 and words[0].lower() not in d.senses:
            pinyin = [(t, HOMOPHONE) for t in options[0] if self.lexicon.get(t) is not None]
            if pinyin and not d.translate(phrase):
                return pinyin  # a listed name written in pinyin, nothing else
        combos = itertools.islice(itertools.product(*options), 64)
        composed = [("".join(c), 0.95) for c in combos]
        kept = [(t, f) for t, f in composed if self._names_or_heads(t)]
        if not kept and len(options) > 1:
            # the word-by-word reading may be a listed name's long form (servo motor:
            # 伺服电动机, listed as 伺服电机)
            kept = [
                (short, f * SHORT_LONG)
                for t, f in composed
                for short in self._short_forms(t)
                if len(short) > 2 and short[0] == t[0]
            ][:3]
        return kept or [(" ".join(words), 1.0)]

    def _pinyin(self, word: str) -> list[str]:
        """Listed names (two characters or more) read as ``word`` written in toneless pinyin,
        when the dictionary's English has no such word: a Chinese name used as a loanword
        in trade English (BAIJIU: 白酒). Each way of cutting the word into syllables is
        tried; at most three names."""
        d = self.dictionary
        lower = word.lower()
        if d._american(lower) != lower or any(
            f in d.vocabulary() for f in (lower, *_singulars(lower))
        ):
            return []
        codes = _syllable_codes()
        cuts: list[list[str]] = []

        def cut(rest: str, done: list[str]) -> None:
            if len(cuts) >= 4:
                return
            if not rest:
                if len(done) >= 2:
                    cuts.append(done)
                return
            for end in range(min(6, len(rest)), 0, -1):
                if rest[:end] in codes:
                    cut(rest[end:], [*done, rest[:end]])

        cut(lower, [])
        self._sync_keys()
        names = self.lexicon.names
        out = [
            names[i]
            for syllables in cuts
            for i in self._key_ids.get("".join(codes[s] for s in syllables), ())
        ]
        return list(dict.fromkeys(out))[:3]

    def _spelled_out(self, code: str) -> list[tuple[str, float]]:
        """The Chinese names of the plastic whose ISO 1043-1 symbol ``code`` is (PP: 聚丙烯),
        through the dictionary's English (:func:`plastics_abbreviations`)."""
        english = plastics_abbreviations().get(code.upper())
        if english is None:
            return []
        return [(w, 1.0) for w in self.dictionary.translate(english) if len(w) > 1]

    # -- the catalog's own names ---------------------------------------------------------

    def _word_of_its_own(self, term: str, short: str) -> bool:
        """Whether a two-character ``short`` form of ``term`` is a dictionary word naming
        other goods than the term (果糖, *fructose*, is no 果寡糖 cut short; 气体, *gas*, no
        气缸体): two characters left of a longer name are that word first."""
        d = self.dictionary
        return len(short) == 2 and short in d.senses and not d.same_goods(term, short)

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

    def _long_forms(self, term: str) -> list[tuple[str, float]]:
        """Listed words with one or two more characters inside ``term`` (无缝管 → 无缝钢管,
        锂电池 → 锂离子电池; a term of two characters: one more, 硝铵 → 硝酸铵), the most
        often listed first, with their factor (:data:`SHORT_LONG`, less for two more).
        Only where the longer text reads as a word in the name (:meth:`_word_like`)."""
        if len(term) < 2:
            return []
        most = 1 if len(term) == 2 else MAX_INSERTED
        gap = f"[^\\x00]{{0,{most}}}"
        pattern = re.escape(term[0]) + "".join(gap + re.escape(c) for c in term[1:])
        names = self.lexicon.names
        counts: Counter[str] = Counter()
        for n, offset, m in self.lexicon.store.matches(pattern):
            text = m.group()
            if (
                len(text) > len(term)
                and self._word_like(text, names[n], offset)
                and not self._splits_a_word(text, names[n], offset)
            ):
                counts[text] += 1
        return [
            (t, SHORT_LONG if len(t) == len(term) + 1 else SHORT_LONG * LONGER)
            for t, _ in counts.most_common(3)
        ]

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

    def _swapped(self, term: str) -> list[str]:
        """Listed names or heads that are ``term`` (three characters or more) with two
        neighbouring characters swapped (机盒顶 → 机顶盒)."""
        if len(term) < 3:
            return []
        texts = dict.fromkeys(
            term[:i] + term[i + 1] + term[i] + term[i + 2 :] for i in range(len(term) - 1)
        )
        return [t for t in texts if t != term and self.evidence(t) >= 1]

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
        """Read every listed name's pinyin, sorted characters and pairs of neighbouring
        characters now (it is otherwise done at the first look-up that needs them, and then
        only for names listed since)."""
        self._sync_keys()
        self._may_be_listed("")

    def _sync_keys(self) -> None:
        names = self.lexicon.names
        first = len(self._keys)
        if first < len(names):
            keys = [reading_key(n) for n in names[first:]]
            self._keys.extend(keys)
            for i, key in enumerate(keys, start=first):
                self._key_ids.setdefault(key, []).append(i)
                self._key_pairs.update(key[j : j + 2] for j in range(len(key) - 1))
                self._sorted_ids.setdefault(_sorted_chars(names[i]), []).append(i)

    def _read_alike(self, term: str, keys: list[str], attested: float, limit: int = 2) -> list[str]:
        """Listed text read by one of ``keys`` and differing from ``term`` in one character
        (two at most in a term of four or more, up to ``limit``), where it reads as a word; for
        a term the names attest (``attested`` ≥ 1) only whole names attested three times as
        well, the most often found first."""
        self._sync_keys()
        names = self.lexicon.names
        limit = min(limit, 1 if len(term) <= 3 else 2)
        counts: Counter[str] = Counter()
        pairs = self._key_pairs
        for key in keys:
            if not all(key[j : j + 2] in pairs for j in range(len(key) - 1)):
                continue  # no listed name is read so: spares a scan of every name's reading
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
            return [t for t in counts if self.evidence(t) >= enough][:3]
        return [t for t, _ in counts.most_common(3)]

    def _typos(self, term: str, attested: float, *, one_off: bool) -> list[tuple[str, float]]:
        """Listed text read like ``term`` (homophones) and, after them, read like it but for
        one fuzzy sound (:data:`FUZZY_SOUND`: 材油机 is read 采油机 first, then 柴油机); else
        (with ``one_off``) one character apart; each only where it reads as a word
        (:meth:`_word_like`).

        A term the names do not attest at all is looked for inside every name; one they attest
        a little (连轴器, itself a slip in one name) only among whole names, and a homophone must
        then be attested three times as well (联轴器)."""
        if not _HAN.search(term) or len(term) < 2:
            return []
        homophones = self._read_alike(term, _reading_keys(term), attested)
        # one sound an input method lets pass (zhan/zan, lin/ling): a listed name or head,
        # below any homophone
        fuzzy = self._read_alike(term, _fuzzy_keys(term), attested, limit=1)
        fuzzy = [
            t
            for t in fuzzy
            if self.evidence(t) >= 1 and t not in homophones and not self._two_words(term, t)
        ]
        if homophones or fuzzy:
            return [(t, HOMOPHONE) for t in homophones] + [(t, FUZZY_SOUND) for t in fuzzy]
        if len(term) < 3 or not one_off:
            return []
        element = self.dictionary.is_element
        guesses = [
            t
            for t, _ in self._one_off(term).most_common(4)
            # one element for another is another compound (氟铝酸钾 is no 氟铝酸钠 mistyped)
            if not any(element(a) and element(b) for a, b in zip(t, term, strict=True) if a != b)
            # and a guess must name goods: a listed name or its head, not the modifier that
            # starts one (鲜铁皮 of 鲜铁皮石斛 for 白铁皮)
            and self.evidence(t) >= 1
        ]
        return [(t, ONE_OFF) for t in guesses[:2]]
