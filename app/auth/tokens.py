"""Secrets sent by e-mail or SMS: link tokens (256 random bits) and six-digit codes.

Only a hash is stored. A link token is looked up by its SHA-256 (its entropy makes a slow
hash pointless); a code is short, so it is stored salted and found through its user.
"""

import hashlib
import hmac
import secrets

_TOKEN_BYTES = 32


def new_link_token() -> tuple[str, str]:
    """A fresh token for a link: ``(token, sha256_hex)``. Send the token, store the hash."""
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """SHA-256 of a link token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_code() -> tuple[str, str]:
    """A six-digit one-time code: ``(code, salted_hash)``."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    return code, _salted(secrets.token_hex(7), code)


def _salted(salt: str, code: str) -> str:
    digest = hashlib.blake2b(code.encode(), key=salt.encode(), digest_size=24).hexdigest()
    return f"{salt}${digest}"


def code_matches(stored: str, code: str) -> bool:
    """Constant-time check of a presented code against its stored salted hash."""
    salt, _, _digest = stored.partition("$")
    return hmac.compare_digest(_salted(salt, code.strip()), stored)
