"""携手 matching: rank suppliers for a need, and needs for a supplier.

Plain data in, plain data out: no web framework, no database. See :class:`SupplierIndex`
and :class:`NeedIndex`.
"""

from matching.need_index import NeedIndex
from matching.records import (
    CertificationItem,
    Match,
    NeedRecord,
    ProductItem,
    ProfileRecord,
    Reasons,
)
from matching.supplier_index import SupplierIndex

__all__ = [
    "CertificationItem",
    "Match",
    "NeedIndex",
    "NeedRecord",
    "ProductItem",
    "ProfileRecord",
    "Reasons",
    "SupplierIndex",
]
