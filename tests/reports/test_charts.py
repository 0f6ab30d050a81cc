"""The dashboard's server-drawn charts: an organization's long name is read whole, never cut at the chart's edge."""

import re

from dangbo.reports.documents import hbars


def _labels(svg: str) -> list[str]:
    return [
        re.sub(r"<title>.*?</title>", "", t) for t in re.findall(r'text-anchor="end"[^>]*>(.*?)</text>', svg)
    ]


def _label_column(svg: str) -> int:
    return int(re.search(r'<rect x="(\d+)"', svg).group(1))


def test_a_long_organization_name_widens_the_label_column_and_stays_whole():
    name = "Đảng bộ Khối các cơ quan tỉnh Nghệ An"  # 37 characters: cut at the left edge before
    svg = str(hbars([(name, 0, None), ("Đảng bộ Sở Y tế", 99, None)], title="Sinh hoạt"))
    assert _labels(svg) == [name, "Đảng bộ Sở Y tế"]
    assert _label_column(svg) > 190  # the bars start further right to leave the name its room
    # the text ends 8 px before the bars and is anchored there: its start (about 7.2 px a character) is inside
    assert _label_column(svg) - 8 - len(name) * 7.2 >= 0


def test_a_name_longer_than_the_chart_allows_is_shortened_with_its_whole_text_as_a_tooltip():
    name = "Đảng bộ Cơ quan Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Nghệ An và các đoàn thể"
    svg = str(hbars([(name, 5, None)], title="Sinh hoạt"))
    (shown,) = _labels(svg)
    assert shown.endswith("…") and name.startswith(shown[:-1])
    assert f"<title>{name}</title>" in svg


def test_short_labels_keep_the_usual_layout():
    svg = str(hbars([("Nam", 4137, None), ("Nữ", 3240, None)], title="Giới tính"))
    assert _labels(svg) == ["Nam", "Nữ"] and _label_column(svg) == 190


def test_a_share_is_written_with_its_unit_after_the_bar():
    svg = str(hbars([("Chi bộ Văn phòng", 83, None)], title="Tỷ lệ", unit="%"))
    assert ">83%</text>" in svg
