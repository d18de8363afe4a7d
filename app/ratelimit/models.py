from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class RateCounter(Base):
    """Requests and failed token lookups of one client address in one fixed window.

    The address is stored as an HMAC-SHA256 under SECRET_KEY (IPv6 by its /64; see `service.client_id`), and rows
    of past windows are deleted as new ones begin.
    Nothing links a counter to a token, an invitation or a response.
    """

    __tablename__ = "rate_counters"

    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)  # Unix seconds
    requests: Mapped[int] = mapped_column(Integer)
    failures: Mapped[int] = mapped_column(Integer)
