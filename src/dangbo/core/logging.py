"""A logging filter that keeps personal data out of log files.

Citizen IDs (12 digits) and phone numbers (9–11 digits) are replaced wherever they appear in a log
message, including database error text such as PostgreSQL's "Key (citizen_id)=(…) already exists".

``StructuredFormatter`` writes each record as one line of key=value pairs, or of JSON (``DANGBO_LOG_FORMAT=json``),
with the request id of the request being served; every string value passes through ``redact`` as well.
"""

import datetime as dt
import json
import logging
import re

_DIGITS = re.compile(r"(?<!\d)\+?\d[\d .-]{7,13}\d(?!\d)")


def redact(text: str) -> str:
    return _DIGITS.sub("[đã ẩn]", text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        if record.exc_info:
            formatted = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
            record.msg = f"{record.msg}\n{redact(formatted)}"
        return True


# Attributes every LogRecord has; anything else was passed with ``extra=`` and is logged as a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class StructuredFormatter(logging.Formatter):
    def __init__(self, *args, as_json: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.as_json = as_json

    def fields(self, record: logging.LogRecord) -> dict:
        from .middleware import current_request_id

        fields = {
            "time": dt.datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if request_id := current_request_id.get():
            fields["request_id"] = request_id
        for key, value in vars(record).items():
            # Plain values only: Django's own records carry the request object, whose text has the query string.
            if (
                key not in _STANDARD
                and not key.startswith("_")
                and isinstance(value, str | int | float | bool | None)
            ):
                fields[key] = value
        if record.exc_info:
            fields["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            fields["exc"] = record.exc_text
        own = {"time", "level", "logger", "request_id"}  # written here: no personal data, and digits to keep
        return {k: redact(v) if isinstance(v, str) and k not in own else v for k, v in fields.items()}

    def format(self, record: logging.LogRecord) -> str:
        fields = self.fields(record)
        if self.as_json:
            return json.dumps(fields, ensure_ascii=False, default=str)
        return " ".join(f"{key}={_logfmt(value)}" for key, value in fields.items())


def _logfmt(value) -> str:
    text = "" if value is None else str(value)
    if text and not any(c in text for c in ' "=\n\\'):
        return text
    return json.dumps(text, ensure_ascii=False)
