"""A logging filter that keeps personal data out of log files.

Citizen IDs (12 digits) and phone numbers (9–11 digits) are replaced wherever they appear in a log
message, including database error text such as PostgreSQL's "Key (citizen_id)=(…) already exists".
"""

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
