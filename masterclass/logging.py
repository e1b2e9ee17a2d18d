"""Log formatting: JSON lines for machines, and a filter that keeps secrets out of logs."""

import json
import logging
import re

_SECRET_KEYS = re.compile(
    r"(password|passwd|secret|signature|token|card|cvv|authorization|api[_-]?key|key_secret)",
    re.IGNORECASE,
)
# Long digit runs look like card numbers; mask all but the last four.
_CARD_NUMBER = re.compile(r"\b(?:\d[ -]?){12,18}(\d{4})\b")
_KEY_VALUE = re.compile(
    r"(?P<key>[\"']?[\w-]*(?:password|secret|signature|token|cvv|card_number)[\w-]*[\"']?"
    r"\s*[:=]\s*)(?P<value>[\"']?[^\s,;&\"'}]+[\"']?)",
    re.IGNORECASE,
)
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def redact(text: str) -> str:
    text = _CARD_NUMBER.sub(lambda m: "**** **** **** " + m.group(1), text)
    return _KEY_VALUE.sub(lambda m: m.group("key") + "[redacted]", text)


class RedactSecretsFilter(logging.Filter):
    """Masks secrets in the message and in extra fields whose names look secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        for key, value in list(vars(record).items()):
            if key in _STANDARD_ATTRS:
                continue
            if _SECRET_KEYS.search(key):
                setattr(record, key, "[redacted]")
            elif isinstance(value, str):
                setattr(record, key, redact(value))
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


class ClientErrorAsWarning(logging.Filter):
    """Logs a 4xx that bad input caused at WARNING, so ERROR stays a list of real faults.

    Django logs a SuspiciousOperation (a forged Host header, a body over the size limit, too
    many fields, a tampered session) at ERROR on `django.security.<name>` although it answers
    400. Set on those loggers in settings.LOGGING; a filter on the logger that made the
    record runs before any handler sees it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
