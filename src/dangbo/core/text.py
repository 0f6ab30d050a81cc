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

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

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
# "vi-x-icu" collation checks it (tests/test_text.py). Unlike ICU: characters outside the tables below (other
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
_OTHER_MARKS = "\u0306\u0302\u030c\u030a\u0308\u030b\u0307\u0327\u0328\u0304\u031b\u0324\u0325\u032d\u0330\u0331"
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
