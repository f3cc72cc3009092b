"""Small builders the matching tests share: a supplier's profile and a lexicon of names."""

from matching.lexicon import Lexicon
from matching.records import ProductItem, ProfileRecord


def profile(pid: int, *products: str) -> ProfileRecord:
    """An SME ``企业{pid}`` listing ``products``, each half of its revenue."""
    return ProfileRecord(
        id=pid, name=f"企业{pid}", products=tuple(ProductItem(p, 0.5) for p in products)
    )


def lexicon(*names: str) -> Lexicon:
    """A lexicon that lists ``names``."""
    lex = Lexicon()
    for name in names:
        lex.add(name)
    return lex
