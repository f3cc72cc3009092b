"""Password hashing with argon2id (``argon2-cffi``'s recommended parameters, RFC 9106)."""

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: Shorter passwords are refused; longer than this is refused too (hashing cost is bounded).
MIN_LENGTH = 8
MAX_LENGTH = 200


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("not anyone's password")


def hash_password(password: str) -> str:
    """The argon2id hash to store (salted; the password itself is never stored)."""
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``.

    With no hash (an unknown e-mail, a user without a password) a dummy hash is checked, so
    the answer takes as long as for a real account and tells nothing about whether it exists.
    """
    try:
        return _hasher().verify(stored_hash or _dummy_hash(), password) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than today's (rehash at sign-in)."""
    return _hasher().check_needs_rehash(stored_hash)


def password_problem(password: str) -> str | None:
    """Why a new password is refused (Chinese, for the form), or ``None``."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 位"
    if len(password) > MAX_LENGTH:
        return f"密码最多 {MAX_LENGTH} 位"
    if password.strip() != password or not password.isprintable():
        return "密码不能以空格开头或结尾，也不能含不可见字符"
    return None
