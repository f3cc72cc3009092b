"""The rules of an organization's record, written once for the API, the console and the importer."""

from collections.abc import Sequence

from app.messages import Text, tr
from app.models import OrganizationKind
from app.rules import RuleProblem


def tier_problem(kind: str, tier: str | None, tier_year: int | None) -> RuleProblem | None:
    """Only SMEs have a tier, and a tier year needs a tier."""
    if tier is not None and kind != OrganizationKind.sme:
        return RuleProblem("tier", tr("only SMEs have a tier"))
    if tier_year is not None and tier is None:
        return RuleProblem("tier_year", tr("given without a tier"))
    return None


def products_problem(kind: str, products: Sequence[object]) -> RuleProblem | None:
    """Only large firms list their own products on the organization (SMEs: in their profile)."""
    if products and kind != OrganizationKind.large_firm:
        return RuleProblem(
            "products",
            tr(
                "only large firms list their own products here; an SME lists its products in its capability profile"
            ),
        )
    return None


def not_managed(org_id: int) -> Text:
    """What a caller hears when it writes to an organization it does not manage."""
    return tr("you do not manage organization {id}", id=org_id)
