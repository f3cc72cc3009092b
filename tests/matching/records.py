"""Small builders the matching tests share: a supplier's profile, a lexicon of names, the
products a need's text is read as and the ids chain discovery ranks."""

from matching.lexicon import Lexicon
from matching.reading import read_text
from matching.records import ProductItem, ProfileRecord
from matching.supplier_index import SupplierIndex
from matching.upstream import UpstreamPredictor


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


def upstream_ids(
    est: UpstreamPredictor, index: SupplierIndex, products: list[str], k: int = 20
) -> list[int]:
    """The ids of the SMEs ``est`` ranks for a buyer of ``products``, best first."""
    return [m.id for m in est.rank_suppliers(index, products, k=k)]


def read_products(title: str, description: str = "") -> list[str]:
    """The products :func:`matching.reading.read_text` reads from a need's title and text."""
    return [p.text for p in read_text(title, description).products]
