"""Xieshou matching: rank SMEs for a need, and open needs for an SME.

Kept light: the indexes (numpy, scipy, scikit-learn) load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matching.index import NeedIndex, SupplierIndex

__all__ = ["NeedIndex", "SupplierIndex"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from matching import index

        return getattr(index, name)
    raise AttributeError(f"module 'matching' has no attribute {name!r}")
