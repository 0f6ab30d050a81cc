"""The review report and statistics pages: figures on screen, the DOCX and XLSX files, scope (404) and bad input
(a Vietnamese message, never a 500)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from .test_documents import text_of

REVIEW = {"kind": "6_thang", "year": "2024"}


def test_staff_see_the_review_and_download_it(client, tree, people, half):
    client.force_login(people.staff)
    page = client.get(reverse("reports:review"), {"organization": tree.bloc.pk, **REVIEW})
    assert page.status_code == 200
    body = page.content.decode()
    assert "có 2 tổ chức cơ sở đảng (1 đảng bộ cơ sở, 1 chi bộ cơ sở), 3 chi bộ với 5 đảng viên" in body
    assert "PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2024" in body
    assert '<th class="num">Phải họp</th>' in body and "<td>Đảng bộ Sở Y tế</td>" in body
    assert 'name="next_tasks"' in body and 'type="hidden" name="year" value="2024"' in body
    response = client.post(reverse("reports:review"), {"organization": tree.bloc.pk, **REVIEW, "day": "10/07/2024",
                                                       "next_tasks": "Kết nạp 5 đảng viên mới."})  # fmt: skip
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.docx"')
    text, _ = text_of(response.content)
    assert "3 chi bộ với 5 đảng viên" in text and "Kết nạp 5 đảng viên mới." in text
    assert "Nghệ An, ngày 10 tháng 7 năm 2024" in text


def test_a_half_year_not_over_counts_to_today(client, tree, people, half):
    client.force_login(people.staff)
    page = client.get(
        reverse("reports:review"), {"organization": tree.bloc.pk, "kind": "nam", "year": "2024"}
    )
    assert "(Số liệu từ ngày 01/01/2024 đến ngày 10/07/2024)" in page.content.decode()


@pytest.mark.parametrize("persona", ["secretary_b", "staff_b", "nobody"])
def test_another_organizations_report_is_404(client, tree, people, half, persona):
    client.force_login(getattr(people, persona))
    for name in ("reports:review", "reports:statistics"):
        assert client.get(reverse(name), {"organization": tree.a.pk, **REVIEW}).status_code == 404
    assert client.post(reverse("reports:review"), {"organization": tree.a.pk, **REVIEW}).status_code == 404
    assert (
        client.get(reverse("reports:statistics"), {"organization": tree.a.pk, "xlsx": "1"}).status_code == 404
    )
    assert client.get(reverse("reports:review"), {"organization": "abc", **REVIEW}).status_code == 404


@pytest.mark.parametrize("params, message", [
    ({"start": "01/06/2024", "end": "01/03/2024"}, "Đến ngày: phải sau từ ngày."),
    ({"end": "31/12/2030"}, "Đến ngày: không được sau ngày hôm nay."),
    ({"year": "2031"}, "Năm: kỳ báo cáo bắt đầu ngày 01/01/2031, sau ngày hôm nay."),
    ({"year": "hai nghìn"}, "Năm: cần là một năm, ví dụ 2013."),
    ({"year": "99999999999999999999"}, "Năm: năm không hợp lệ."),
    ({"start": "31/02/2024"}, "Từ ngày: ngày không hợp lệ"),
    ({"kind": "giua_nhiem_ky", "year": "2024", "organization": "a"}, "chưa có nhiệm kỳ cấp ủy nào vào năm 2024"),
    ({"kind": "x"}, "Loại báo cáo: giá trị đã chọn không hợp lệ."),
])  # fmt: skip
def test_bad_input_gives_a_vietnamese_message(client, tree, people, half, params, message):
    client.force_login(people.staff)
    org = tree.a.pk if params.pop("organization", None) == "a" else tree.bloc.pk
    for send in (client.get, client.post):
        response = send(reverse("reports:review"), {"organization": org, **REVIEW, **params})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert message in response.content.decode()


def test_a_report_dated_before_its_period_ends_is_refused(client, tree, people, half):
    client.force_login(people.staff)
    response = client.post(
        reverse("reports:review"), {"organization": tree.bloc.pk, **REVIEW, "day": "01/06/2024"}
    )
    assert (
        "Ngày báo cáo: không được trước ngày cuối của kỳ báo cáo (30/06/2024)." in response.content.decode()
    )


def test_member_statistics_page_and_xlsx(client, tree, people, half):
    client.force_login(people.staff)
    params = {"organization": tree.bloc.pk, "on": "30/06/2024"}
    body = client.get(reverse("reports:statistics"), params).content.decode()
    assert "5 đảng viên" in body and "Tuổi đảng" in body and "Tôn giáo" in body
    response = client.get(reverse("reports:statistics"), {**params, "xlsx": "1"})
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert ["Giới tính", "Nữ", 2] in [r[1:4] for r in rows]
    assert ["Tuổi đảng", "Chưa có ngày vào Đảng", 1] in [
        r[1:4] for r in rows
    ]  # Vũ Văn Mới: no ceremony recorded
    assert ["Tuổi đảng", "Từ 10 đến dưới 20 năm", 4] in [r[1:4] for r in rows]  # joined 2005
    assert ["Tôn giáo", "Không", 5] in [r[1:4] for r in rows]


def test_headcount_and_movement_reports_download_as_xlsx(client, tree, people, half):
    client.force_login(people.staff)
    response = client.get(
        reverse("reports:index"), {"organization": tree.bloc.pk, "on": "30/06/2024", "xlsx": "1"}
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    text = " ".join(str(v) for r in rows for v in r if v is not None)
    assert "SỐ LƯỢNG, CƠ CẤU ĐẢNG VIÊN" in text and "5 đảng viên (4 chính thức, 1 dự bị" in text
    assert ["Nữ", 2] in [r[2:4] for r in rows] and "Giới tính" in [r[1] for r in rows]
    response = client.get(reverse("reports:movement"), {"organization": tree.bloc.pk, "start": "01/01/2024",
                                                         "end": "30/06/2024", "xlsx": "1"})  # fmt: skip
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    pairs = {r[0]: r[1] for r in rows if r and isinstance(r[0], str)}
    assert pairs["Đảng viên đầu kỳ"] == 4 and pairs["Cộng tăng"] == 1 and pairs["Đảng viên cuối kỳ"] == 5
    assert (
        client.get(reverse("reports:movement"), {"organization": tree.bloc.pk, "xlsx": "1"}).status_code
        == 200
    )
    client.force_login(people.secretary_b)  # out of scope: the form refuses, nothing is exported
    response = client.get(reverse("reports:index"), {"organization": tree.a.pk, "xlsx": "1"})
    assert response.get("Content-Disposition") is None


MARKUP = '<script>alert("x")</script>'
HOSTILE = st.one_of(
    st.sampled_from(
        [
            "99999999999999999999999",
            "-1",
            "0",
            "1e309",
            "NaN",
            "31/02/2024",
            "01/01/0001",
            "31/12/9999",
            "00/00/0000",
            "",
            " ",
            "\x00",
            MARKUP,
            "=1+1",
            "x" * 5000,
            "9" * 40,
            "1930",
            "01/01/1930",
            "giua_nhiem_ky",
            "nam",
        ]
    ),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)  # the values of tests/test_hostile_input.py that matter for these fields
FIELDS = ("kind", "year", "start", "end", "day", "next_tasks", "organization")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), value=HOSTILE)
def test_hostile_values_never_give_a_server_error(client, tree, people, half, field, value):
    client.force_login(people.staff)
    data = {"organization": tree.bloc.pk, **REVIEW, "day": "10/07/2024", field: value}
    for send in (client.get, client.post):
        response = send(reverse("reports:review"), data)
        assert response.status_code in (200, 404), (field, value, response.status_code)
        assert MARKUP not in response.content.decode("utf-8", "replace")
    response = client.get(
        reverse("reports:statistics"), {"organization": tree.bloc.pk, "on": value, "xlsx": "1"}
    )
    assert response.status_code in (200, 404)
