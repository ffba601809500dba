"""Daily visitor-hash salts, persisted so counts survive restarts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from footfall.db.base import Base


class Salt(Base):
    """The secret salt of one UTC day; deleted once older than two days."""

    __tablename__ = "salts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary(32))
