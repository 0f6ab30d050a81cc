"""Vietnamese name parts with rough frequencies, shared by the demo and the synthetic generator."""

FAMILY = [
    ("Nguyễn", 330), ("Trần", 100), ("Lê", 95), ("Phạm", 60), ("Hoàng", 50), ("Phan", 50), ("Hồ", 45),
    ("Võ", 35), ("Đặng", 25), ("Bùi", 20), ("Đỗ", 18), ("Ngô", 16), ("Thái", 15), ("Dương", 12), ("Vũ", 12),
    ("Đinh", 12), ("Cao", 10), ("Hà", 10), ("Chu", 8), ("Lưu", 7), ("Tăng", 5), ("Đậu", 6), ("Lô", 6),
    ("Lương", 6), ("Vi", 4), ("Quang", 3), ("Kha", 3), ("Moong", 2), ("Xồng", 2), ("Vừ", 2),
]  # fmt: skip
MIDDLE_MALE = [
    ("Văn", 40),
    ("Đức", 12),
    ("Hữu", 10),
    ("Quang", 8),
    ("Minh", 8),
    ("Xuân", 7),
    ("Đình", 8),
    ("Công", 7),
    ("Ngọc", 5),
    ("Thanh", 6),
    ("Trọng", 5),
    ("Anh", 4),
    ("Tiến", 4),
    ("Bá", 3),
]
MIDDLE_FEMALE = [
    ("Thị", 60),
    ("Thu", 6),
    ("Thanh", 5),
    ("Ngọc", 5),
    ("Hồng", 5),
    ("Phương", 4),
    ("Minh", 4),
    ("Kim", 3),
    ("Diệu", 2),
    ("Hải", 2),
]
GIVEN_MALE = [
    "Hùng", "Dũng", "Tuấn", "Thắng", "Hải", "Nam", "Long", "Sơn", "Hưng", "Cường", "Quân", "Bình", "An",
    "Minh", "Thành", "Trung", "Đức", "Hoàng", "Vinh", "Lâm", "Tâm", "Phong", "Khánh", "Toàn", "Huy", "Việt",
    "Quý", "Thái", "Lợi", "Hiếu", "Ánh", "Đông", "Tùng", "Kiên", "Sáu", "Bảy", "Thọ", "Lực", "Chiến", "Ân",
]  # fmt: skip
GIVEN_FEMALE = [
    "Hoa", "Lan", "Hương", "Mai", "Hà", "Hằng", "Nga", "Thủy", "Linh", "Trang", "Huyền", "Thảo", "Nhung",
    "Yến", "Oanh", "Vân", "Loan", "Ánh", "Ngân", "Tâm", "Dung", "Hạnh", "Phượng", "Liên", "Hiền", "Thơ",
    "Lý", "Ngọc", "Quỳnh", "Ân", "Đào", "Ưng",
]  # fmt: skip
# Ethnic composition of provincial agencies' members (Nghệ An): mostly Kinh, some Thái, Khơ Mú, Mông, Thổ.
ETHNICITY_WEIGHTS = [
    ("Kinh", 930),
    ("Thái", 45),
    ("Thổ", 8),
    ("Khơ Mú", 8),
    ("Mông", 6),
    ("Ơ-đu", 1),
    ("Mường", 2),
]
RELIGION_WEIGHTS = [("Không", 970), ("Công giáo", 22), ("Phật giáo", 8)]
DISTRICTS = [
    "TP. Vinh", "Thị xã Cửa Lò", "Nam Đàn", "Hưng Nguyên", "Nghi Lộc", "Diễn Châu", "Quỳnh Lưu", "Yên Thành",
    "Đô Lương", "Thanh Chương", "Anh Sơn", "Con Cuông", "Tân Kỳ", "Nghĩa Đàn", "Quỳ Hợp", "Quỳ Châu",
    "Quế Phong", "Tương Dương", "Kỳ Sơn", "Thị xã Thái Hòa", "Thị xã Hoàng Mai",
]  # fmt: skip


def weighted(rng, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


def person_name(rng, gender: str) -> str:
    family = weighted(rng, FAMILY)
    if gender == "nam":
        middle = weighted(rng, MIDDLE_MALE)
        given = rng.choice(GIVEN_MALE)
    else:
        middle = weighted(rng, MIDDLE_FEMALE)
        given = rng.choice(GIVEN_FEMALE)
    if rng.random() < 0.12:  # some people have two middle names: "Nguyễn Thị Thu Hà"
        second = weighted(rng, MIDDLE_MALE if gender == "nam" else MIDDLE_FEMALE)
        if second != middle:
            return f"{family} {middle} {second} {given}"
    return f"{family} {middle} {given}"


# Where members go when they leave the provincial agencies: retirees move their party activity to the party
# organization of their residence; others leave for another province or a central body.
RESIDENCE_PARTY_ORGS = [
    "Đảng bộ phường Hưng Bình, thành phố Vinh", "Đảng bộ phường Lê Lợi, thành phố Vinh",
    "Đảng bộ phường Trường Thi, thành phố Vinh", "Đảng bộ phường Bến Thủy, thành phố Vinh",
    "Đảng bộ phường Hà Huy Tập, thành phố Vinh", "Đảng bộ phường Quang Trung, thành phố Vinh",
    "Đảng bộ phường Cửa Nam, thành phố Vinh", "Đảng bộ xã Nghi Phú, thành phố Vinh",
    "Đảng bộ phường Nghi Hương, thị xã Cửa Lò", "Đảng bộ thị trấn Nam Đàn, huyện Nam Đàn",
    "Đảng bộ xã Hưng Lộc, thành phố Vinh", "Đảng bộ thị trấn Quán Hành, huyện Nghi Lộc",
]  # fmt: skip
OTHER_PARTY_ORGS = [
    "Đảng bộ Khối các cơ quan tỉnh Hà Tĩnh", "Đảng bộ Khối các cơ quan tỉnh Thanh Hóa",
    "Đảng bộ Khối các cơ quan Trung ương", "Đảng bộ Khối Doanh nghiệp tỉnh Nghệ An",
    "Đảng bộ Quân sự tỉnh Nghệ An", "Đảng bộ Công an tỉnh Nghệ An", "Đảng bộ thành phố Hà Nội",
    "Đảng bộ Thành phố Hồ Chí Minh", "Đảng bộ huyện Diễn Châu, tỉnh Nghệ An", "Đảng bộ huyện Quỳnh Lưu, tỉnh Nghệ An",
    "Đảng bộ Trường Đại học Vinh", "Đảng bộ tỉnh Quảng Bình",
]  # fmt: skip
