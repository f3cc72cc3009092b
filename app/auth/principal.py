"""The authenticated caller and the ownership rules every service applies."""

from dataclasses import dataclass

from app.models import Organization, Role


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the API key, its role and the organization it belongs to."""

    key_id: int
    role: Role
    organization_id: int | None

    @property
    def is_admin(self) -> bool:
        """Admins may read and change everything."""
        return self.role is Role.admin

    @property
    def is_organizer(self) -> bool:
        """Organizers (local bureaus, service centres) run sessions and register firms."""
        return self.role is Role.organizer

    def manages(self, org: Organization) -> bool:
        """May this caller change ``org`` and its records?

        Admins manage everything; a firm or organizer manages itself; an organizer also
        manages the firms it registered.
        """
        if self.is_admin:
            return True
        if self.organization_id is None:
            return False
        if org.id == self.organization_id:
            return True
        return self.is_organizer and org.registered_by_id == self.organization_id

    def sees_contacts_of(self, org: Organization) -> bool:
        """May this caller see ``org``'s private contacts (person, phone, e-mail)?

        Only those who manage the organization. Firm-to-firm reveals after mutual interest
        or a held meeting are made (and audited) by :func:`app.interests.service.pair_view`.
        """
        return self.manages(org)
