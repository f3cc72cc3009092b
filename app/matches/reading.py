"""How the matcher reads a need: the record its shortlist ranks on, shown to the firm."""

from app.matches import loading
from app.matches.index import MatchingIndex
from app.models import SupplyNeed
from app.needs.schemas import NeedReadingOut, ReadProduct, ReadQuantity, ReadRegion
from app.reference.tables import regions
from matching.reading import read_need


def reading_of(need: SupplyNeed, index: MatchingIndex | None = None) -> NeedReadingOut:
    """How the service reads the need (:func:`matching.reading.read_need`): the firm's own
    fields laid over what its title and description say, its products grounded in the names
    firms list when the matching ``index`` is given (as its shortlist reads it)."""
    record = loading.as_written(need)
    read = index.read(record) if index is not None else read_need(record)
    return NeedReadingOut(
        need_id=need.id,
        sentence=read.sentence(),
        products=[ReadProduct(text=p.text, weight=p.weight, where=p.where) for p in read.products],
        applications=list(read.applications),
        required_certifications=list(read.certifications),
        preferred_regions=[
            ReadRegion(name=_region_name(r.name), codes=list(r.codes)) for r in read.regions
        ],
        quantity=ReadQuantity(
            text=read.quantity.text, value=read.quantity.value, unit=read.quantity.unit
        )
        if read.quantity
        else None,
        deadline=read.deadline,
        notes=list(read.notes),
        warnings=list(read.warnings),
        from_firm=sorted(read.from_buyer),
    )


def _region_name(name: str) -> str:
    """A region's name; a code the firm entered is shown by its name (440300 → 深圳市)."""
    found = regions().get(name) if name.isdigit() else None
    return found.name if found else name
