"""A real SMTP server for the tests (aiosmtpd, on 127.0.0.1), and the mails it received."""

import email
import email.policy
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.server_process import free_port


@dataclass(frozen=True)
class Mail:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        body = self.message.get_body(("plain",))
        assert body is not None
        return str(body.get_content())  # type: ignore[attr-defined]

    def link(self) -> str:
        match = re.search(r"https?://\S+/signin#link=[A-Za-z0-9_-]+", self.text)
        assert match, self.text
        return match.group(0)

    def token(self) -> str:
        return self.link().rsplit("=", 1)[1]


class Mailbox:
    """What the server received, by recipient. `wait_for` blocks on a condition (no sleeping, no timing)."""

    def __init__(self) -> None:
        self._mails: list[Mail] = []
        self._changed = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._changed:
            self._mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
            self._changed.notify_all()
        return "250 OK"

    def to(self, address: str) -> list[Mail]:
        with self._changed:
            return [m for m in self._mails if address in m.recipients]

    def wait_for(self, address: str, count: int = 1, timeout: float = 30) -> list[Mail]:
        """The first `count` mails to `address`, once they are there (fails after `timeout`: something is wrong)."""
        with self._changed:
            ok = self._changed.wait_for(lambda: len([m for m in self._mails if address in m.recipients]) >= count,
                                        timeout=timeout)
        assert ok, f"no mail to {address} arrived"
        return self.to(address)[:count]


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()
