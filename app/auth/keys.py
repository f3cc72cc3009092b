"""Making and checking API keys. A key is ``xs_<prefix>_<secret>``; only its hash is stored."""

import hashlib
import hmac
import secrets

from app.auth.principal import Principal
from app.models import Organization, Role

KEY_SCHEME = "xs"
_PREFIX_BYTES = 6
_SECRET_BYTES = 32


def new_key() -> tuple[str, str, str]:
    """A fresh key: ``(full_key, prefix, sha256_hex)``. Show ``full_key`` once, store the rest."""
    prefix = secrets.token_hex(_PREFIX_BYTES)
    key = f"{KEY_SCHEME}_{prefix}_{secrets.token_urlsafe(_SECRET_BYTES)}"
    return key, prefix, hash_key(key)


def hash_key(key: str) -> str:
    """SHA-256 of the whole key. Keys carry 256 random bits, so a slow hash adds nothing."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def split_prefix(key: str) -> str | None:
    """The lookup prefix of a presented key, or ``None`` when it is not shaped like one."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_SCHEME or len(parts[1]) != 2 * _PREFIX_BYTES:
        return None
    return parts[1]


def matches(key: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented key with a stored hash."""
    return hmac.compare_digest(hash_key(key), stored_hash)


def may_revoke(caller: Principal, role: Role, owner: Organization | None) -> bool:
    """Whether ``caller`` may revoke a key of ``role`` held by ``owner``.

    Admins revoke any key. Others revoke only keys below admin (organizer, firm) of the
    organizations they manage: an organizer its own and its registered firms', a firm its own.
    An admin key attached to an organizer's organization is out of that organizer's reach.
    """
    if caller.is_admin:
        return True
    return role is not Role.admin and owner is not None and caller.manages(owner)
