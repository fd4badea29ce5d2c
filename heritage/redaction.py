"""No personal data in logs: a logging filter for every handler (settings.LOGGING, and
gunicorn's own handlers through gunicorn.conf.py), and what django-axes may say about a login.

Masked: IPv4/IPv6 addresses, email addresses (an email-like username too), and credentials
(`Authorization: Token ...`, `password=...`, session and CSRF cookies, `username: ...`).
Exact coordinates are not masked here: no logger is given them for public traffic, which
tests/deploy/test_logs.py checks; a filter cannot tell a sensitive site's point from another.
Standard library and gunicorn only: gunicorn's master process loads it before Django.
"""

import logging
import re

from gunicorn.glogging import Logger

_KEYS = (
    r"authorization|proxy-authorization|x-api-key|api[_-]?key|token|password|passwd|secret"
    r"|sessionid|csrftoken|csrfmiddlewaretoken|cookie|username|email"
)
PATTERNS = [
    # key: value / key=value / "key": "value" -> the value goes, whatever it is.
    (
        re.compile(
            rf"(?i)\b({_KEYS})([\"']?\s*[:=]\s*[\"']?)(?:(?:token|bearer|basic)\s+)?"
            r"[^\s\"',;&}]+"
        ),
        r"\1\2[redacted]",
    ),
    # A bare `Token 9944b0...` / `Bearer eyJ...` (at least 16 characters, one a digit).
    (
        re.compile(r"(?i)\b(bearer|basic|token)\s+(?=[\w.~+/-]*\d)[\w.~+/=-]{16,}"),
        r"\1 [redacted]",
    ),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])"), "[ip]"),
    # IPv6 with a `::` (how they are written almost always), or all eight groups.
    (re.compile(r"(?i)(?<![\w:])(?=[0-9a-f:]*::)[0-9a-f:]{2,39}(?![\w:])"), "[ip]"),
    (re.compile(r"(?i)(?<![\w:])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![\w:])"), "[ip]"),
]


def redact(text: str) -> str:
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactPersonalData(logging.Filter):
    """Rewrites each record's message (arguments merged in), traceback and stack as masked
    text. On handlers, not loggers: a logger's filters miss records its children propagate."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class GunicornLogger(Logger):
    """gunicorn's logger with the filter on its error and access handlers (gunicorn.conf.py).
    Its error log names client addresses ("Invalid request from ip=...")."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.addFilter(RedactPersonalData())


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """django-axes's description of a login attempt in its log lines (AXES_CLIENT_STR_CALLABLE):
    the path only. Who and from where stay in its database tables, for the lockout."""
    return f"{{path_info: {path_info!r}}}"
