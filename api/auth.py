"""Bearer tokens: HS256 JWTs signed with ARREARS_SECRET_KEY (PyJWT does the crypto)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from domain.base import Actor, Role

ALGORITHM = "HS256"
#: how many verified tokens a process remembers
VERIFIED_TOKENS_KEPT = 10_000
ISSUER = "arrears"
#: user ids of the service's own actors (``system:scheduler``): refused in tokens, whoever signed them
SYSTEM_PREFIX = "system:"
#: the nine roles a person can hold (``system`` is for the scheduler, never in a token)
USER_ROLES = tuple(r for r in Role if r is not Role.SYSTEM)


#: a token's subject (the user id every event records): letters and digits of any script, then also ``.``, ``_``,
#: ``-`` and ``@``; 1 to 64 characters; no whitespace, no control characters, nothing else
SUBJECT = re.compile(r"[^\W_][\w.@-]{0,63}")
SUBJECT_RULE = (
    "a user id is 1-64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit "
    "(no spaces or control characters)"
)


def subject_problem(user_id: object) -> str | None:
    """Why ``user_id`` cannot name a person in a token, or None."""
    if isinstance(user_id, str) and user_id.startswith(SYSTEM_PREFIX):
        return "a user id may not start with 'system:' (system users act only inside the service)"
    if not isinstance(user_id, str) or not SUBJECT.fullmatch(user_id):
        return SUBJECT_RULE
    return None


class TokenError(Exception):
    """A token that is missing, malformed, tampered with or expired."""


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    user_id: str
    role: Role

    @property
    def actor(self) -> Actor:
        """The actor every event they cause records."""
        return Actor(user_id=self.user_id, role=self.role)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (any case of ``Bearer``); None otherwise."""
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class TokenCodec:
    """Issues and checks tokens."""

    def __init__(self, secret_key: str) -> None:
        self.key = secret_key
        #: tokens already verified, with their expiry: a client sends the same token on every request
        self._verified: dict[str, tuple[Principal, float]] = {}

    def issue(self, user_id: str, role: Role | str, ttl: timedelta, now: datetime | None = None) -> str:
        """A signed token for a user acting in a role, valid for ``ttl`` from ``now`` (wall-clock time)."""
        now = now or datetime.now(UTC)
        role = Role(role)
        if role is Role.SYSTEM:
            raise ValueError("the system role is not issued to people")
        problem = subject_problem(user_id)
        if problem is not None:
            raise ValueError(problem)
        claims = {"sub": user_id, "role": role.value, "iss": ISSUER, "iat": now, "exp": now + ttl}
        return jwt.encode(claims, self.key, algorithm=ALGORITHM)

    def verify(self, token: str) -> Principal:
        """The principal a valid token names; TokenError otherwise.

        A token verified before is recognised by its exact text until it expires (a tampered token is
        different text, so it is checked in full).
        """
        known = self._verified.get(token)
        if known is not None and time.time() < known[1]:
            return known[0]
        principal, expires = self._verify(token)
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            self._verified.clear()
        self._verified[token] = (principal, expires)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(
                token,
                self.key,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["sub", "role", "exp", "iat", "iss"]},
            )
        except jwt.ExpiredSignatureError:
            raise TokenError("the token has expired") from None
        except jwt.PyJWTError as error:
            raise TokenError(f"the token is not valid: {error}") from None
        try:
            role = Role(claims["role"])
        except ValueError:
            raise TokenError("the token names an unknown role") from None
        if role is Role.SYSTEM or not isinstance(claims["sub"], str) or not claims["sub"].strip():
            raise TokenError("the token names no user")
        if claims["sub"].startswith(SYSTEM_PREFIX):  # the scheduler's identity is never a person's
            raise TokenError("the token names a system user; system users act only inside the service")
        if subject_problem(claims["sub"]) is not None:  # signed, but not an id we issue (a space, a NUL...)
            raise TokenError(f"the token's user id is not acceptable: {SUBJECT_RULE}")
        return Principal(user_id=claims["sub"], role=role), float(claims["exp"])
