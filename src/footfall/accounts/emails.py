"""E-mail address rules."""

from __future__ import annotations

import re

from footfall.errors import ValidationFailed

# Deliberately loose: one @, a dot in the domain, no spaces. Deliverability is proven by use.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def normalize_email(value: str, field: str = "email") -> str:
    """Lower-cased, trimmed e-mail address, or a 400 naming the field."""
    email = value.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise ValidationFailed("Enter a valid e-mail address", field=field)
    return email
