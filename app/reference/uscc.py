"""统一社会信用代码 (USCC) per GB 32100-2015: normalisation and check-character validation."""

import unicodedata

from app.messages import Text, tr

#: The 31 characters a USCC may use (no I, O, Z, S, V), in the order that gives their values.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalize_code(text: str) -> str:
    """Fold full-width digits and letters to ASCII, drop spaces, upper-case.

    Codes copied from Chinese documents often carry full-width characters (``９１３５``).
    """
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split()).upper()


def uscc_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a USCC."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_issue(code: str) -> Text | None:
    """Why ``code`` is not a valid USCC (in both languages), or ``None`` when it is.

    ``code`` should already be normalised with :func:`normalize_code`.
    """
    if len(code) != 18:
        return tr("must be 18 characters, got {count}", count=len(code))
    bad = sorted({ch for ch in code if ch not in _VALUE})
    if bad:
        return tr("contains characters not allowed in a USCC: {chars}", chars="".join(bad))
    if not code[2:8].isdigit():
        return tr("characters 3-8 must be the 6-digit region code")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return tr("check character is {got}, expected {expected}", got=code[17], expected=expected)
    return None


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid USCC (in English), or ``None`` when it is."""
    issue = uscc_issue(code)
    return issue.en if issue else None
