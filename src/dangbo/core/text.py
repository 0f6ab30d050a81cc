"""Vietnamese text: NFC normalisation, the accent-free search key, and the name sort key.

* ``nfc``  — every text input goes through it (legacy data often arrives decomposed). It also turns the legacy
  "Ð"/"ð" (U+00D0/U+00F0, the Icelandic eth, which old fonts and keyboards typed for Đ/đ) into Đ/đ.
* ``fold`` — the search key: NFD, combining marks dropped, đ (and Ð) → d, lower case, single spaces.
  "Nguyễn Văn Hùng" → "nguyen van hung"; "Đặng" and "Ðặng" → "dang".
* ``name_sort_key`` — a string whose byte order is the order of ICU's Vietnamese collation (``vi``) applied to
  (given name, middle names, family name) one after the other. Stored in a column with binary collation, it
  lets lists sort and paginate with an index (``core.pagination``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from .formats import so

# The legacy Ð/ð are the letter Đ/đ: every input is stored with Đ/đ.
_LEGACY = str.maketrans({"\u00d0": "Đ", "\u00f0": "đ"})

# -- the name sort key ---------------------------------------------------------------------------------------
#
# A full name is split into three parts: given name (last word), middle names (the words between, "" when
# none) and family name (first word; "" for a one-word name). Each part is compared whole before the next, as
# ICU's ``vi`` collation compares a string, level by level:
#   1. letters (primary) over the whole part: the Vietnamese alphabet a ă â b c d đ e ê g h i k l m n o ô ơ p q
#      r s t u ư v x y, with f j w z where Latin puts them; before the letters, as in ICU: space, punctuation,
#      digits. "Ánh" < "Anhs": the letters decide before any tone;
#   2. tones (secondary) over the whole part: none < huyền < hỏi < ngã < sắc < nặng. The first letter whose tone
#      differs decides, so "hoà" < "hòa" (the tone on a later letter sorts first);
#   3. case (tertiary), letter by letter: lower < upper.
# The key of a part is ``letters ! tones ! cases``: one weight per letter; "0" per letter followed by the weight
# of its tone mark, if any; a case digit per letter. Trailing "0"s are dropped from the last two: with equal
# letters they decide nothing.
# The parts are joined by " ". Both separators sort below every weight, so at each level a shorter part sorts
# first, and a part decides before the next one: "Trần Anh" (no middle name) < "Đinh Ảnh Anh". PostgreSQL's
# "vi-x-icu" collation checks it (tests/core/test_text.py). Unlike ICU: characters outside the tables below (other
# scripts, rare symbols, rare diacritics) sort after the listed ones by code point.

# Primary weights in ICU's order (read from PostgreSQL 15's "vi-x-icu", ICU 72): space, punctuation, digits,
# letters. Weights are the printable ASCII characters from '"' on; "!" separates levels, " " parts.
_PUNCTUATION = "_-\u2010\u2013\u2014,;:!?.\u00b7'\u2018\u2019\"\u201c\u201d()[]{}@*/\\&#%\u2032`^+<=>|~$"
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
_PRIMARY = {ch: chr(0x22 + i) for i, ch in enumerate([" ", *_PUNCTUATION, *"0123456789", *_ALPHABET])}
_UNKNOWN = "~"  # then the character itself: after every weight above
_LEVEL, _PART = "!", " "
# The stored column's length: a 120-character name of Vietnamese letters needs at most four characters for each
# (letter, "0" and tone, case); only names stacking foreign diacritics could need more, and lose their tail.
NAME_SORT_LENGTH = 500
# Combining marks that make another letter of the alphabet (a primary difference) ...
_LETTER_MARKS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
# ... and the secondary weights of the others, in ICU's order: the five tones first (huyền, hỏi, ngã, sắc,
# nặng), then the diacritics of other languages; "0" is a letter's own weight, "~" an unlisted mark's.
_TONE_MARKS = "\u0300\u0309\u0303\u0301\u0323"
_OTHER_MARKS = (
    "\u0306\u0302\u030c\u030a\u0308\u030b\u0307\u0327\u0328\u0304\u031b\u0324\u0325\u032d\u0330\u0331"
)
_SECONDARY = {mark: chr(ord("1") + i) for i, mark in enumerate(_TONE_MARKS + _OTHER_MARKS)}


def nfc(value: str | None, *, legacy_d: bool = True) -> str | None:
    """NFC-normalise text, Ð/ð → Đ/đ (unless ``legacy_d`` is false: a password is not corrected), and trim it;
    ``None`` stays ``None``."""
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value)
    if legacy_d and ("\u00d0" in value or "\u00f0" in value):
        value = value.translate(_LEGACY)
    return value.strip()


def clean_spaces(value: str) -> str:
    """Trimmed, every run of white space (any Unicode space, as ``\\s``) made one space."""
    return " ".join(value.split())


def clean_text(value) -> str:
    """A text input as stored: NFC, Đ for Ð, trimmed, single spaces; None → ""; other values as their text."""
    if value is None:
        return ""
    return clean_spaces(nfc(value)) if isinstance(value, str) else str(value)


def clean_lines(value) -> str:
    """A multi-line text input as stored (an agenda, a resolution): like ``clean_text`` within each line, the line
    breaks kept, blank lines at most one in a row, none at the ends."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)
    lines = [clean_spaces(line) for line in nfc(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")


_NAME_PARTS = re.compile(r"([\s-]+)")


def name_case(value: str | None) -> str:
    """A person's name as stored: ``clean_text``, then every word typed all in lower case starts with a capital
    letter ("nguyễn văn đức" → "Nguyễn Văn Đức", "lê thị-mai" → "Lê Thị-Mai"); a word with a capital letter
    anywhere is kept as typed ("H'Hen Niê", "Y Moan")."""
    text = clean_text(value)
    return "".join(w[0].upper() + w[1:] if w and w.islower() else w for w in _NAME_PARTS.split(text))


_PHONE_SEPARATORS = re.compile(r"[\s.\-]")
PHONE_PROBLEM = ("Điện thoại: số di động gồm 10 chữ số, số cố định 10–11 chữ số, bắt đầu bằng 0 "
                 "(hoặc +84); chỉ gồm chữ số, dấu cách, dấu chấm, dấu gạch ngang.")  # fmt: skip


def read_phone(value: str | None) -> tuple[str, str | None]:
    """(the phone number as stored, the problem or None). Spaces, dots and dashes are dropped and a leading +84
    becomes 0; what is left must be a Vietnamese number: a mobile (03, 05, 07, 08, 09…) of 10 digits or a
    landline (02…) of 10–11 digits. Empty stays empty. The problem never repeats the number (personal data)."""
    text = clean_text(value)
    if not text:
        return "", None
    digits = _PHONE_SEPARATORS.sub("", text)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if not digits.isascii() or not digits.isdigit() or not digits.startswith("0"):
        return text, PHONE_PROBLEM
    if digits.startswith("02"):
        ok = len(digits) in (10, 11)
    else:
        ok = len(digits) == 10 and digits[1] in "35789"
    return (digits, None) if ok else (text, PHONE_PROBLEM)


def fold(value: str | None) -> str:
    """Accent- and case-free search key: "NGUYỄN  Văn Hùng" → "nguyen van hung", "Đặng"/"Ðặng" → "dang"."""
    if not value:
        return ""
    value = value.replace("đ", "d").replace("Đ", "d")
    if "\u00d0" in value or "\u00f0" in value:
        value = value.replace("\u00d0", "d").replace("\u00f0", "d")
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return clean_spaces(stripped.lower())


@lru_cache(maxsize=1 << 14)
def _word_levels(word: str) -> tuple[str, str, str]:
    """The three levels of one word (NFC, Đ for Ð), untrimmed: its primary weights; its secondary weights, "0"
    for each letter followed by the weight of each mark that does not make another letter (a tone); a case
    digit per letter. Marks combine as ICU's contractions do: "o" + circumflex is "ô" unless a mark of the same
    combining class came between (malformed input such as "o" + hỏi + circumflex stays "o" with two marks)."""
    letters: list[str] = []
    secondary: list[str] = []
    cases: list[str] = []
    blocking = 0  # the highest combining class among the marks since the last letter
    for ch in unicodedata.normalize("NFD", word):
        ccc = unicodedata.combining(ch)
        if ccc:
            if letters:
                made = _LETTER_MARKS.get((letters[-1], ch))
                if made and blocking < ccc:
                    letters[-1] = made
                else:
                    secondary.append(_SECONDARY.get(ch, "~"))
                    blocking = max(blocking, ccc)
            continue
        low = ch.lower()
        if low not in _PRIMARY and unicodedata.category(ch) in ("Cc", "Cf"):
            continue  # ignorable in ICU
        letters.append(low)
        secondary.append("0")
        cases.append("0" if low == ch else "1")
        blocking = 0
    # An unknown character weighs two characters, its levels after the first one entry: those levels are only
    # compared between parts of equal letters.
    return "".join(_PRIMARY.get(ch) or _UNKNOWN + ch for ch in letters), "".join(secondary), "".join(cases)


# Both caches pay: a country's names are made of a few thousand distinct words and parts.
@lru_cache(maxsize=1 << 16)
def _part_key(part: str) -> str:
    levels = [_word_levels(w) for w in part.split(" ")] if part else []
    return (
        _PRIMARY[" "].join(p for p, _, _ in levels)
        + _LEVEL
        + "".join(t for _, t, _ in levels).rstrip("0")
        + _LEVEL
        + "".join(c for _, _, c in levels).rstrip("0")
    )


def text_sort_key(text: str | None) -> str:
    """Sort key of a text compared whole in Vietnamese order (ICU's ``vi``: letters, then tones, then case) — an
    organization's name in a list built in Python; "" for an empty text."""
    return _part_key(clean_text(text)) if clean_text(text) else ""


def name_parts(full_name: str | None) -> tuple[str, str, str]:
    """(given name, middle names, family name) of a full name as stored (``clean_text``); "" for a missing part."""
    words = clean_text(full_name).split(" ")
    if len(words) == 1:
        return words[0], "", ""
    return words[-1], " ".join(words[1:-1]), words[0]


def name_sort_key(full_name: str | None) -> str:
    """Sort key in Vietnamese name order: given name, middle name(s), family name, each compared whole like ICU's
    ``vi`` collation (letters, then tones, then case) before the next; "" for an empty name."""
    given, middle, family = name_parts(full_name)
    if not given:
        return ""
    return f"{_part_key(given)}{_PART}{_part_key(middle)}{_PART}{_part_key(family)}"[:NAME_SORT_LENGTH]


_GROUPED = re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+$")
_PLAIN = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
# What a typed number may be: longer text is a typing error ("-999.999.999.999.999.999,9999999999 đồng", the
# longest number read, has 40 characters).
MAX_NUMBER_TEXT = 40
# Without a caller's bound: at most 18 digits before the comma (a BIGINT column holds every such number) and 10
# after, 28 in all — within the 28 significant digits of the Decimal context, so no arithmetic on a number read
# here overflows into decimal.InvalidOperation. A caller passes its column's bounds (DecimalField(max_digits=16,
# decimal_places=2) → integer_digits=14, decimal_places=2; a whole number → decimal_places=0).
INTEGER_DIGITS, DECIMAL_PLACES = 18, 10

NOT_A_NUMBER = "phải là một số."


def parse_vn_number(
    value, *, integer_digits: int = INTEGER_DIGITS, decimal_places: int = DECIMAL_PLACES
) -> Decimal:
    """The one reader of numbers typed by users or given to services: "1.234.567", "92,4", "1.234,5", "-500.000"
    (also "92.4"; a dot followed by groups of three digits groups thousands, as Vietnamese writes them); spaces,
    "đ", "đồng" and "%" are ignored. A Decimal, an int or a float is taken as the number it is (never re-read as
    text, so Decimal("1.250") is 1.25).

    ValueError, whose text says in Vietnamese what is wrong (without the field's label: "Nhãn: " + str(error)),
    when it is not a number, is written with an exponent ("1e28"), is NaN or infinite, has more than
    ``integer_digits`` digits before the comma or more than ``decimal_places`` after it — checked on the digits,
    before any arithmetic, so nothing downstream can overflow."""
    if isinstance(value, bool):
        raise ValueError(NOT_A_NUMBER)
    if isinstance(value, int):
        if abs(value) >= 10**integer_digits:
            raise ValueError(_too_big(integer_digits))
        return Decimal(value)
    if isinstance(value, float):
        value = Decimal(repr(value)) if math.isfinite(value) else Decimal("NaN")
    if isinstance(value, Decimal):
        number = value
    else:
        number = _read_text(value)
    if not number.is_finite():
        raise ValueError(NOT_A_NUMBER)
    if number and number.adjusted() + 1 > integer_digits:
        raise ValueError(_too_big(integer_digits))
    places = _decimal_places(number)
    if places > decimal_places:
        raise ValueError(
            "phải là số nguyên." if not decimal_places else f"tối đa {decimal_places} chữ số thập phân."
        )
    return number


def _read_text(value) -> Decimal:
    text = str(value).strip() if value is not None else ""
    if not text:
        raise ValueError(NOT_A_NUMBER)
    if len(text) > MAX_NUMBER_TEXT:
        raise ValueError(f"quá dài (tối đa {MAX_NUMBER_TEXT} ký tự).")
    text = re.sub(r"[\s\u00a0đ%]", "", nfc(text).lower().replace("đồng", ""))
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _GROUPED.match(text.lstrip("-")):
        text = text.replace(".", "")
    if not _PLAIN.match(text):
        if re.match(r"^-?[0-9.]+e[-+]?[0-9]+$", text):
            raise ValueError("không ghi số dạng lũy thừa (như 1e5): hãy ghi đủ các chữ số.")
        raise ValueError(NOT_A_NUMBER)
    return Decimal(text)


def _decimal_places(number: Decimal) -> int:
    """Digits after the comma that are not trailing zeros, read from the digits (no rounding context)."""
    _sign, digits, exponent = number.as_tuple()
    if exponent >= 0:
        return 0
    places = -exponent
    for digit in reversed(digits):
        if digit or not places:
            break
        places -= 1
    return places


def _too_big(integer_digits: int) -> str:
    return f"số quá lớn (tối đa {integer_digits} chữ số trước dấu phẩy)."


def read_number(
    value,
    label: str,
    *,
    required: bool = False,
    whole: bool = False,
    min_value: int | Decimal | None = None,
    max_value: int | Decimal | None = None,
    integer_digits: int = INTEGER_DIGITS,
    decimal_places: int = DECIMAL_PLACES,
) -> tuple[Decimal | int | None, str | None]:
    """A number given to a service (typed text, Decimal, int or float), read by ``parse_vn_number`` and checked:
    ``(number, None)`` — an int when ``whole`` — or ``(None, "Nhãn: vấn đề.")``. Empty (None or blank text) is
    ``(None, None)``, or the "không được để trống" problem when ``required``. The range is checked on the
    number as read, before anything rounds or stores it."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, f"{label}: không được để trống." if required else None
    try:
        number = parse_vn_number(
            value, integer_digits=integer_digits, decimal_places=0 if whole else decimal_places
        )
    except ValueError as error:
        return None, f"{label}: {error}"
    if min_value is not None and number < min_value:
        return (
            None,
            f"{label}: không được âm." if min_value == 0 else f"{label}: phải từ {so(min_value)} trở lên.",
        )
    if max_value is not None and number > max_value:
        return None, f"{label}: số quá lớn (tối đa {so(max_value)})."
    return (int(number) if whole else number), None
