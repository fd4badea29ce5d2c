"""A real SMTP server on loopback (aiosmtpd) that the contributor tests send mail to through
Django's SMTP backend, and read back: nothing in between is mocked.

    from tests.contributions import smtp
    smtp_server, smtp_mail = smtp.smtp_server, smtp.smtp_mail  # the fixtures, by name

`smtp_mail` points the settings at the server and gives it; `.messages` are what arrived,
parsed (`email.message.EmailMessage`), `.links(message)` the addresses in a message's text.
"""

import email
import email.policy
import logging
import re
import threading

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache

from tests.procs import free_port

LINK = re.compile(r"https?://\S+")


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    @staticmethod
    def text(message: email.message.EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def links(self, message: email.message.EmailMessage) -> list[str]:
        return LINK.findall(self.text(message))


@pytest.fixture(scope="session")
def smtp_server():
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the test server's own chatter
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_mail(settings, smtp_server):
    """Django's SMTP mailer, sending to the loopback server; an empty inbox per test."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp_server.port, "timeout": 10},
        }
    }
    cache.clear()  # allauth's per-address mail cooldowns, kept in the cache
    smtp_server.messages.clear()
    smtp_server.envelopes.clear()
    return smtp_server
