"""Vietnamese text: NFC normalisation, the accent-free search key, and the name sort key.

* ``nfc``  — every text input goes through it (legacy data often arrives decomposed).
* ``fold`` — the search key: NFD, combining marks dropped, đ→d, lower case, single spaces.
  "Nguyễn Văn Hùng" → "nguyen van hung"; "Đặng" → "dang".
* ``name_sort_key`` — a plain ASCII string whose byte order is Vietnamese name order: given name (last
  word) first, then the middle words, then the family name; letters in the Vietnamese alphabet
  (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y), tones after letters (none, huyền, hỏi,
  ngã, sắc, nặng). Stored in a column with binary collation, it lets lists sort and paginate with an index.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_SPACES = re.compile(r"\s+")

# Base letters in Vietnamese alphabet order; foreign letters f j w z go where Latin puts them.
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
# Letters map to printable ASCII from "A" upwards; digits map after the letters (rare in names).
_LETTER_CODE = {ch: chr(0x41 + i) for i, ch in enumerate(_ALPHABET)}
_LETTER_CODE.update({str(d): chr(0x41 + len(_ALPHABET) + d) for d in range(10)})

# Combining marks that make a different letter (primary difference) ...
_LETTER_MARKS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
# ... and the five tone marks, in sort order after the unmarked tone (0).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def nfc(value: str | None) -> str | None:
    """NFC-normalise text and trim it; ``None`` stays ``None``."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", value).strip()


def clean_spaces(value: str) -> str:
    return _SPACES.sub(" ", value).strip()


def clean_text(value) -> str:
    """A text input as stored: NFC, trimmed, single spaces; None → ""; other values as their text."""
    if value is None:
        return ""
    return clean_spaces(nfc(value)) if isinstance(value, str) else str(value)


def fold(value: str | None) -> str:
    """Accent- and case-free search key: "NGUYỄN  Văn Hùng" → "nguyen van hung", "Đặng" → "dang"."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return clean_spaces(stripped.lower())


def _word_key(word: str) -> str:
    letters: list[str] = []
    tone = 0
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            tone = _TONES[ch]
        elif unicodedata.combining(ch):
            if letters and (letters[-1], ch) in _LETTER_MARKS:
                letters[-1] = _LETTER_MARKS[(letters[-1], ch)]
        elif ch in _LETTER_CODE or ch == "đ":
            letters.append(ch)
    # Tone digit after the letters: "0".."5" sort below every letter code, so "An" < "Anh".
    return "".join(_LETTER_CODE[ch] for ch in letters) + str(tone)


def name_sort_key(full_name: str | None) -> str:
    """Sort key in Vietnamese name order: given name, middle name(s), family name."""
    words = clean_spaces(nfc(full_name) or "").split(" ")
    words = [w for w in words if w]
    if not words:
        return ""
    ordered = [words[-1], *words[1:-1], words[0]] if len(words) > 1 else words
    return " ".join(_word_key(w) for w in ordered)


_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_vn_number(value) -> Decimal:
    """A number written the Vietnamese way: "1.234.567", "92,4", "1.234,5" (also "92.4"); spaces, "đ", "đồng" and
    "%" are ignored. ValueError when it is not one."""
    text = str(value).strip() if value is not None else ""
    if not text or len(text) > 30:
        raise ValueError(text)
    text = re.sub(r"[\s\u00a0đ%]", "", text.lower().replace("đồng", ""))
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _GROUPED.match(text.lstrip("-")):
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number
