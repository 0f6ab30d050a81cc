"""Vietnamese text: folding for search, NFC, the name sort key, and numbers as typed."""

import random
import unicodedata
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from dangbo.core.templatetags.vn import ngay_van_ban, phantram, so, tien
from dangbo.core.text import clean_text, fold, name_parts, name_sort_key, nfc, parse_vn_number, text_sort_key

VIET = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
words = st.text(alphabet=VIET + VIET.upper() + "Ðð", min_size=1, max_size=7)
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


# ICU's Vietnamese order of these names (PostgreSQL 15 ``ORDER BY given COLLATE "vi-x-icu", middle COLLATE
# "vi-x-icu", family COLLATE "vi-x-icu"``, ICU 72), written down so that the key's order is checked on SQLite too;
# test_sort_key_order_is_icu_vi_order_on_postgresql asks ICU itself about thousands more.
ICU_ORDER = [
    "Nguyễn Văn Hùng 2", "Lê Thị An", "Lê Văn An", "Anh", "Lê Anh", "Trần Anh", "Đinh Ảnh Anh", "Nguyễn Văn Anh",
    "Hà Văn Hưng Anh", "Phạm Thị Ảnh", "Nguyễn Văn Ảnh", "Nguyễn Văn Ánh", "Nguyễn Văn Anhs", "Lê Thị Ăn",
    "Lê Thị Ân", "Niê Kdăm Y Bih", "Lê Văn Dũng", "Đỗ Duy", "Đỗ Dụy", "Đỗ Văn Đông", "Lê Văn Đông", "Đỗ Đuy",
    "Trần Đình Đức", "Lê Văn Ec", "Rơ Mah Hiền", "trần thị hoa", "Trần Thị Hoa", "Trần Thị HOA", "Trần Thị Hoà",
    "Trần Thị Hòa", "Lò Thị Hùng", "Hà Văn Hùng", "Lò Văn Hùng", "Lô Văn Hùng", "Lỗ Văn Hùng", "Lộ Văn Hùng",
    "Nguyễn Văn Hùng-Anh", "Lê Văn Huy", "Hà Văn Hưng", "Nguyễn Thanh Hương", "Nguyễn Thị Hương",
    "Nguyễn Thị Thanh Hương", "Nguyễn Thị Thu Hương", "Nguyễn Thị Thù Hương", "Nguyễn Thị Thủ Hương",
    "Nguyễn Thị Thu Hường", "Lê Văn Hy", "Y Bih Niê Kdăm", "Lê Văn Ma", "Lê Văn Mà", "Lê Văn Mả", "Lê Văn Mã",
    "Lê Văn Má", "Lê Văn Mạ", "Lê Văn Mai", "H'Hen Niê", "H’Hen Niê", "Lê Thị On", "Lê Thị Ôn", "Lê Thị Ơn",
    "Vừ A Sểnh", "Nguyễn Thị Thu Thuỷ", "Nguyễn Thị Thụ Thuỷ", "Nguyễn Thị Thu Thủy", "Lê Văn Uông",
    "Trần Đình Ức", "Lê Văn Ưng", "Vừ A Xềnh",
]  # fmt: skip


def test_sort_key_gives_icu_vietnamese_order():
    typed = random.Random(11).sample(ICU_ORDER, len(ICU_ORDER))
    # As old fonts typed them: Ð for Đ, decomposed, extra spaces.
    typed += ["Lê Văn Ðông", "Trần Ðình Ðức", unicodedata.normalize("NFD", "Nguyễn  Thị Thu Hường ")]
    expected = sorted(
        [*ICU_ORDER, "Lê Văn Đông", "Trần Đình Đức", "Nguyễn Thị Thu Hường"], key=ICU_ORDER.index
    )
    assert [clean_text(n) for n in ordered(*typed)] == expected


def test_each_part_is_compared_whole_before_the_next():
    # Joining the parts into one string compared "Trần" (a family name) with "Ảnh" (a middle name).
    assert ordered("Đinh Ảnh Anh", "Trần Anh") == ["Trần Anh", "Đinh Ảnh Anh"]
    # No middle name sorts before any middle name; a one-word name before every name with the same given name.
    assert ordered("Lê Văn An", "Phan An", "An") == ["An", "Phan An", "Lê Văn An"]
    assert ordered("Trần Văn Bình", "Nguyễn Văn An") == ["Nguyễn Văn An", "Trần Văn Bình"]
    assert ordered("Nguyễn Văn Bình", "Trần Thị Bình") == ["Trần Thị Bình", "Nguyễn Văn Bình"]
    assert ordered("Trần Văn Bình", "Lê Văn Bình") == ["Lê Văn Bình", "Trần Văn Bình"]
    # Several middle names are one part: its letters first over all of it, "Thị Hương" < "Thị Hường" < "Thịnh".
    assert ordered("Lê Thịnh An", "Lê Thị Hường An", "Lê Thị Hương An") == [
        "Lê Thị Hương An", "Lê Thị Hường An", "Lê Thịnh An",
    ]  # fmt: skip


def test_vietnamese_alphabet_order():
    # a < ă < â ; d < đ ; o < ô < ơ ; u < ư ; "An" before "Anh"
    assert ordered("Lê Thị Ân", "Lê Thị Ăn", "Lê Thị An") == ["Lê Thị An", "Lê Thị Ăn", "Lê Thị Ân"]
    assert ordered("Lê Văn Đông", "Lê Văn Dũng") == ["Lê Văn Dũng", "Lê Văn Đông"]
    assert ordered("Lê Thị Ơn", "Lê Thị Ôn", "Lê Thị On") == ["Lê Thị On", "Lê Thị Ôn", "Lê Thị Ơn"]
    assert ordered("Lê Văn Ưng", "Lê Văn Uông") == ["Lê Văn Uông", "Lê Văn Ưng"]
    assert ordered("Lê Văn Anh", "Lê Văn An") == ["Lê Văn An", "Lê Văn Anh"]
    assert ordered("Lê Văn Hy", "Lê Văn Huy") == ["Lê Văn Huy", "Lê Văn Hy"]


def test_tones_are_weighed_after_the_letters_of_the_whole_part():
    expected = ["Lê Văn Ma", "Lê Văn Mà", "Lê Văn Mả", "Lê Văn Mã", "Lê Văn Má", "Lê Văn Mạ"]
    assert ordered(*reversed(expected)) == expected
    # The letters decide before the tone: "Mà" < "Mai", "Ánh" < "Anhs".
    assert ordered("Lê Văn Mai", "Lê Văn Mà") == ["Lê Văn Mà", "Lê Văn Mai"]
    assert ordered("Lê Văn Anhs", "Lê Văn Ánh") == ["Lê Văn Ánh", "Lê Văn Anhs"]
    # Over the whole part, not word by word: in "Thu Hương" / "Thù Hương" the first word's tone decides, and in
    # the middle names "Thù" < "Thủ" although, word by word, "Hường" would have put "Thu Hường" first.
    assert ordered("A Thủ B", "A Thu Hường B", "A Thù B") == ["A Thù B", "A Thủ B", "A Thu Hường B"]
    assert ordered("A Thu Hường B", "A Thù Hương B") == ["A Thu Hường B", "A Thù Hương B"]
    # Letter by letter: the first letter whose tone differs decides ("hoà" has its tone on a later letter).
    assert ordered("Trần Thị Hòa", "Trần Thị Hoà") == ["Trần Thị Hoà", "Trần Thị Hòa"]


def test_case_decides_last_lower_first():
    assert ordered("Trần Thị Hoà", "Trần Thị HOA", "Trần Thị Hoa", "trần thị hoa") == [
        "trần thị hoa", "Trần Thị Hoa", "Trần Thị HOA", "Trần Thị Hoà",
    ]  # fmt: skip


def test_legacy_eth_is_the_letter_d_bar():
    assert clean_text("Ðoàn  Văn Nam") == nfc("Ðoàn Văn Nam") == "Đoàn Văn Nam"
    assert clean_text("ðinh") == "đinh"
    assert fold("Ðoàn Văn Nam") == fold("ðoàn văn nam") == "doan van nam"
    assert name_sort_key("Nguyễn Văn Ðức") == name_sort_key("Nguyễn Văn Đức")
    # With Đức, after Dũng, not with Ức.
    assert ordered("Nguyễn Văn Ức", "Nguyễn Văn Ðức", "Nguyễn Văn Dũng", "Nguyễn Văn Em") == [
        "Nguyễn Văn Dũng", "Nguyễn Văn Ðức", "Nguyễn Văn Em", "Nguyễn Văn Ức",
    ]  # fmt: skip


@given(names, names)
def test_sort_key_is_a_total_order_consistent_with_equality(a, b):
    ka, kb = name_sort_key(a), name_sort_key(b)
    assert (ka == kb) == (clean_text(a) == clean_text(b))


@given(names)
def test_sort_key_of_a_name_as_typed_is_the_key_of_the_name_as_stored(name):
    legacy = name.replace("Đ", "Ð").replace("đ", "ð")
    assert name_sort_key(legacy) == name_sort_key(clean_text(legacy)) == name_sort_key(name)
    assert name_sort_key(f"  {name} ") == name_sort_key(name)
    given_name, middle, family = name_parts(name)
    assert " ".join(p for p in (family, middle, given_name) if p) == clean_text(name)


def test_the_longest_names_fit_the_stored_key():
    from dangbo.members.models import Member

    longest = Member._meta.get_field("name_sort").max_length
    for name in ("Ặ" * 120, " ".join(["Ặ"] * 60), "Ǘ" * 120):
        assert len(name_sort_key(name)) <= longest
    # A 120-character Vietnamese name keeps all three levels: its last letter's case still decides.
    assert name_sort_key("Ặ" * 119 + "ặ") < name_sort_key("Ặ" * 120)


@given(words, words, st.lists(words, max_size=3), st.lists(words, max_size=3))
def test_a_missing_middle_name_sorts_first_and_the_given_name_decides_first(
    given_name, family, middle1, middle2
):
    with_middle = " ".join([family, *middle1, given_name])
    assert name_sort_key(f"{family} {given_name}") <= name_sort_key(with_middle)
    other = " ".join([family, *middle2, given_name + "a"])
    assert name_sort_key(with_middle) < name_sort_key(other)


# Syllables whose letters recur with different tones (and the tone on either vowel: "hoà"/"hòa").
SYLLABLES = ["an", "anh", "ba", "binh", "chau", "da", "đa", "dung", "đuc", "hoa", "hoan", "hung", "hưng", "huy",
             "hy", "mai", "minh", "nga", "nguyen", "oanh", "ôn", "ơn", "on", "quy", "thu", "thi", "thanh", "tran",
             "ưng", "uông", "yen", "đinh", "ly"]  # fmt: skip
TONE_MARKS = ["\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]


def generated_name(rng: random.Random) -> str:
    """A name as it may be typed: 0–3 middle names or one word only, tones anywhere, capitals, Ð, rarely a
    hyphen, an apostrophe or a digit."""

    def word():
        w = unicodedata.normalize("NFD", rng.choice(SYLLABLES))
        vowels = [i for i, ch in enumerate(w) if ch in "aeiouy"]
        if vowels and rng.random() < 0.75:
            i = rng.choice(vowels) + 1
            while i < len(w) and unicodedata.combining(w[i]):
                i += 1  # after the letter's own mark: "ô" + tone
            w = w[:i] + rng.choice(TONE_MARKS) + w[i:]
        w = unicodedata.normalize("NFC", w)
        case = rng.random()
        if case < 0.7:
            w = w[0].upper() + w[1:]
        elif case < 0.8:
            w = w.upper()
        elif case < 0.9:
            w = "".join(ch.upper() if rng.random() < 0.5 else ch for ch in w)
        if rng.random() < 0.2:
            w = w.replace("Đ", "Ð").replace("đ", "ð")
        if rng.random() < 0.03:
            w += rng.choice(["-", "'", "’", "2"]) + rng.choice(SYLLABLES)
        return w

    count = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])
    return " ".join(word() for _ in range(count))


@pytest.mark.django_db
def test_sort_key_order_is_icu_vi_order_on_postgresql():
    """Thousands of generated names in key order (as the lists read them: ORDER BY name_sort, id) are in the
    order of ICU's Vietnamese collation over (given name, middle names, family name), ties included: names
    equal for ICU at every level have equal keys and fall to the id."""
    if connection.vendor != "postgresql":
        pytest.skip("the oracle is PostgreSQL's ICU collation \"vi-x-icu\"; SQLite has no ICU (ICU_ORDER above "
                    "checks the key's order there)")  # fmt: skip
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_collation WHERE collname = 'vi-x-icu'")
        if not cur.fetchone():
            pytest.skip('this PostgreSQL has no ICU collation "vi-x-icu"')
        rng = random.Random(2024)
        rows = []
        for i in range(6000):
            typed = generated_name(rng)
            rows.append((i, clean_text(typed), *name_parts(typed), name_sort_key(typed)))
        assert len({r[1] for r in rows}) < len(rows)  # ties are exercised
        cur.execute(
            'CREATE TEMP TABLE names (id int, full_name text, given text, middle text, family text, key varchar(500) COLLATE "C")'
        )
        cur.executemany("INSERT INTO names VALUES (%s, %s, %s, %s, %s, %s)", rows)
        cur.execute(
            'SELECT id FROM names ORDER BY given COLLATE "vi-x-icu", middle COLLATE "vi-x-icu", family COLLATE "vi-x-icu", id'
        )
        icu = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT id FROM names ORDER BY key, id")
        ours = [r[0] for r in cur.fetchall()]
    wrong = [(rows[a][1], rows[b][1]) for a, b in zip(ours, icu, strict=True) if a != b]
    assert not wrong, f"{len(wrong)} names out of ICU's place, the first (ours, ICU's): {wrong[:5]}"


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


@pytest.mark.parametrize(
    "typed,problem",
    [("1e28", "không ghi số dạng lũy thừa"), ("1E5", "không ghi số dạng lũy thừa"), ("1,5e3", "lũy thừa"),
     ("1e309", "lũy thừa"), ("9" * 27, "số quá lớn (tối đa 18 chữ số trước dấu phẩy)."), ("inf", "phải là một số."),
     ("-Infinity", "phải là một số."), ("nan", "phải là một số."), ("1_000", "phải là một số."),
     ("١٢٣", "phải là một số."), ("²", "phải là một số."), ("0,00000000001", "tối đa 10 chữ số thập phân.")],
)  # fmt: skip
def test_exponents_special_values_and_absurd_digits_are_refused_in_vietnamese(typed, problem):
    with pytest.raises(ValueError) as e:
        parse_vn_number(typed)
    assert problem in str(e.value)


@pytest.mark.parametrize(
    "given,problem",
    [(Decimal("1E+28"), "số quá lớn"), (Decimal("NaN"), "phải là một số."), (Decimal("-Infinity"), "phải là một số."),
     (float("inf"), "phải là một số."), (float("nan"), "phải là một số."), (1e309, "phải là một số."),
     (10**30, "số quá lớn"), (True, "phải là một số."), (Decimal("1E-30"), "tối đa 10 chữ số thập phân.")],
)  # fmt: skip
def test_numbers_given_to_services_are_bounded_too(given, problem):
    with pytest.raises(ValueError) as e:
        parse_vn_number(given)
    assert problem in str(e.value)


def test_numbers_given_as_numbers_are_not_read_again_as_text():
    """Decimal("1.250") is one and a quarter; the text "1.250" is one thousand two hundred and fifty."""
    assert parse_vn_number(Decimal("1.250")) == Decimal("1.25")
    assert parse_vn_number("1.250") == 1250
    assert parse_vn_number(1500.5) == Decimal("1500.5") and parse_vn_number(7) == 7
    assert parse_vn_number("12,5", decimal_places=1) == Decimal("12.5")
    with pytest.raises(ValueError, match="phải là số nguyên"):
        parse_vn_number("12,5", decimal_places=0)
    with pytest.raises(ValueError, match="tối đa 14 chữ số"):
        parse_vn_number("100.000.000.000.000", integer_digits=14)


def test_read_number_gives_the_value_or_the_problem_with_the_label():
    from dangbo.core.text import read_number

    assert read_number("2.150.000", "Giá trị", whole=True) == (2150000, None)
    assert read_number("", "Giá trị") == (None, None)
    assert read_number(None, "Giá trị", required=True) == (None, "Giá trị: không được để trống.")
    assert read_number("-1", "Số tán thành", whole=True, min_value=0) == (
        None,
        "Số tán thành: không được âm.",
    )
    assert read_number("0", "Chỉ tiêu số", whole=True, min_value=1) == (
        None,
        "Chỉ tiêu số: phải từ 1 trở lên.",
    )
    assert read_number("40.000", "Số tán thành", whole=True, max_value=32767) == (
        None, "Số tán thành: số quá lớn (tối đa 32.767).")  # fmt: skip
    assert (
        read_number("1e3", "Số tán thành")[1]
        == "Số tán thành: không ghi số dạng lũy thừa (như 1e5): hãy ghi đủ các chữ số."
    )


anything = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789.,-+eE đ%", max_size=40),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)


@given(anything)
def test_the_reader_never_raises_anything_but_value_error(value):
    """Whatever a user types or a caller gives: a Decimal whose arithmetic cannot overflow, or ValueError."""
    try:
        number = parse_vn_number(value)
    except ValueError as error:
        assert str(error) and str(error).endswith(".")  # a Vietnamese sentence, shown after the field's label
        return
    assert number.is_finite() and abs(number) < Decimal(10) ** 18
    number.quantize(Decimal("1E-10"))  # rounding to the places a column keeps cannot raise InvalidOperation
    assert number * 100 == number * Decimal(100)


def vietnamese(number: Decimal, *, grouped: bool, unit: str) -> str:
    """A number as Vietnamese writes it: "." between thousands (or no grouping), "," before the decimals."""
    text = f"{abs(number):f}"
    whole, _, fraction = text.partition(".")
    if grouped:
        whole = f"{int(whole):,}".replace(",", ".")
    return ("-" if number < 0 else "") + whole + ("," + fraction if fraction else "") + unit


@given(
    st.integers(0, 10).flatmap(lambda places: st.decimals(
        min_value=Decimal("-999999999999999999"), max_value=Decimal("999999999999999999"), places=places,
        allow_nan=False, allow_infinity=False)),
    st.booleans(),
    st.sampled_from(["", " đ", " đồng", "%", "\u00a0đ"]),
)  # fmt: skip
def test_vietnamese_formatted_numbers_round_trip(number, grouped, unit):
    text = vietnamese(number, grouped=grouped, unit=unit)
    assert parse_vn_number(text) == number, text


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("nguyễn văn đức", "Nguyễn Văn Đức"), ("  trần  thị   lan ", "Trần Thị Lan"), ("Nguyễn Thị Hoa", "Nguyễn Thị Hoa"),
     (unicodedata.normalize("NFD", "ưng thị ánh"), "Ưng Thị Ánh"), ("ðặng văn ơn", "Đặng Văn Ơn"),
     ("lê thị-mai", "Lê Thị-Mai"), ("H'Hen Niê", "H'Hen Niê"), ("", "")],
)  # fmt: skip
def test_names_typed_in_lower_case_are_title_cased(typed, stored):
    from dangbo.core.text import name_case

    assert name_case(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("0912345678", "0912345678"), ("0912 345 678", "0912345678"), ("091.234.5678", "0912345678"),
     ("+84 912-345-678", "0912345678"), ("0238 3844 555", "02383844555"), ("", "")],
)  # fmt: skip
def test_vietnamese_phone_numbers_are_accepted_and_stored_as_digits(typed, stored):
    from dangbo.core.text import read_phone

    assert read_phone(typed) == (stored, None)


@pytest.mark.parametrize(
    "typed", ["09x1234567", "091234567", "09123456789", "0123456789", "912345678", "(091)2345678"]
)
def test_wrong_phone_numbers_are_refused_without_repeating_them(typed):
    from dangbo.core.text import read_phone

    _, problem = read_phone(typed)
    assert problem and problem.startswith("Điện thoại:") and typed not in problem


def test_organization_names_sort_in_vietnamese_order_not_by_code_point():
    names = ["Chi bộ Đồng Văn", "Chi bộ Dân cư", "Chi bộ Ấp Bắc", "Chi bộ Anh Sơn", "chi bộ Ba"]
    assert sorted(names) != sorted(names, key=text_sort_key)  # code points put Đ before Ấ and lower case last
    assert sorted(names, key=text_sort_key) == [
        "Chi bộ Anh Sơn", "Chi bộ Ấp Bắc", "chi bộ Ba", "Chi bộ Dân cư", "Chi bộ Đồng Văn",
    ]  # fmt: skip
    assert text_sort_key(unicodedata.normalize("NFD", "Chi bộ Ấp Bắc")) == text_sort_key("Chi bộ Ấp Bắc")
    assert text_sort_key("") == text_sort_key(None) == ""
