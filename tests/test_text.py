"""Vietnamese text: folding for search, NFC, the name sort key, and numbers as typed."""

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangbo.core.templatetags.vn import ngay_van_ban, phantram, so, tien
from dangbo.core.text import fold, name_sort_key, nfc, parse_vn_number

VIET = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
words = st.text(alphabet=VIET + VIET.upper(), min_size=1, max_size=7)
names = st.lists(words, min_size=1, max_size=4).map(" ".join)


def test_fold_removes_accents_case_and_d_bar():
    assert fold("NGUYỄN văn Hùng") == "nguyen van hung"
    assert fold("Đặng Thị Đào") == "dang thi dao"
    assert fold(unicodedata.normalize("NFD", "Nguyễn  Văn   Hùng")) == "nguyen van hung"


@given(names)
def test_fold_and_sort_key_ignore_unicode_normal_form(name):
    decomposed = unicodedata.normalize("NFD", name)
    assert fold(decomposed) == fold(name)
    assert name_sort_key(decomposed) == name_sort_key(name)
    assert fold(fold(name)) == fold(name)
    assert fold(name).isascii()


def test_nfc_composes_and_trims():
    assert nfc(unicodedata.normalize("NFD", " Hồ Chí Minh ")) == "Hồ Chí Minh"
    assert nfc(None) is None


def ordered(*full_names):
    return sorted(full_names, key=name_sort_key)


def test_given_name_first_then_middle_then_family():
    assert ordered("Trần Văn Bình", "Nguyễn Văn An") == ["Nguyễn Văn An", "Trần Văn Bình"]
    assert ordered("Nguyễn Văn Bình", "Trần Thị Bình") == ["Trần Thị Bình", "Nguyễn Văn Bình"]
    assert ordered("Trần Văn Bình", "Lê Văn Bình") == ["Lê Văn Bình", "Trần Văn Bình"]


def test_vietnamese_alphabet_order():
    # a < ă < â ; d < đ ; o < ô < ơ ; u < ư ; "An" before "Anh"
    assert ordered("Lê Thị Ân", "Lê Thị Ăn", "Lê Thị An") == ["Lê Thị An", "Lê Thị Ăn", "Lê Thị Ân"]
    assert ordered("Lê Văn Đông", "Lê Văn Dũng") == ["Lê Văn Dũng", "Lê Văn Đông"]
    assert ordered("Lê Thị Ơn", "Lê Thị Ôn", "Lê Thị On") == ["Lê Thị On", "Lê Thị Ôn", "Lê Thị Ơn"]
    assert ordered("Lê Văn Ưng", "Lê Văn Uông") == ["Lê Văn Uông", "Lê Văn Ưng"]
    assert ordered("Lê Văn Anh", "Lê Văn An") == ["Lê Văn An", "Lê Văn Anh"]
    assert ordered("Lê Văn Hy", "Lê Văn Huy") == ["Lê Văn Huy", "Lê Văn Hy"]


def test_tones_after_letters_in_order_none_huyen_hoi_nga_sac_nang():
    expected = ["Lê Văn Ma", "Lê Văn Mà", "Lê Văn Mả", "Lê Văn Mã", "Lê Văn Má", "Lê Văn Mạ"]
    assert ordered(*reversed(expected)) == expected
    # The letters decide before the tone: "Mà" < "Mai" although à has a tone.
    assert ordered("Lê Văn Mai", "Lê Văn Mà") == ["Lê Văn Mà", "Lê Văn Mai"]


@given(names, names)
def test_sort_key_is_a_total_order_consistent_with_equality(a, b):
    ka, kb = name_sort_key(a), name_sort_key(b)
    assert (ka == kb) == (nfc(" ".join(a.lower().split())) == nfc(" ".join(b.lower().split())))


def test_display_formats():
    assert tien(2150000000) == "2.150.000.000 đ"
    assert so(7346) == "7.346"
    assert phantram(85.43) == "85,4%"
    import datetime as dt

    assert ngay_van_ban(dt.date(2013, 7, 10), "Nghệ An") == "Nghệ An, ngày 10 tháng 7 năm 2013"


@pytest.mark.parametrize(
    "typed,number",
    [("2.150.000", "2150000"), ("2.150.000 đ", "2150000"), ("2150000 đồng", "2150000"), ("-500.000", "-500000"),
     ("92,4", "92.4"), ("92.4", "92.4"), ("1.234,5", "1234.5"), ("85,4%", "85.4"), ("1.500", "1500")],
)  # fmt: skip
def test_vietnamese_numbers_are_read_as_typed(typed, number):
    assert parse_vn_number(typed) == Decimal(number)


@pytest.mark.parametrize("typed", ["", "năm triệu", "1,2,3", "NaN", "Infinity", "9" * 31])
def test_what_is_not_a_number_is_refused(typed):
    with pytest.raises(ValueError):
        parse_vn_number(typed)
