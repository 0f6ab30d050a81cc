"""«Tổng quan» and the names behind a figure: the report's figures with server-drawn charts (no script), every
figure opening the members counted in it on that day; the same from the rollups as live; scope (404)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangbo.core.dates import today
from dangbo.reports.rollups import services as rollup_services

D = dt.date
ON = {"on": "30/06/2024"}


def names(client, org, **params) -> list[str]:
    response = client.get(reverse("reports:names"), {"organization": org.pk, **params})
    assert response.status_code == 200, response.content[:2000]
    return [p.member.full_name for p in response.context["result"].rows]


def test_the_dashboard_shows_the_reports_figures_with_charts_and_links(client, tree, people, half):
    client.force_login(people.staff)
    pages = []
    for built in (False, True):
        if built:
            rollup_services.rebuild()
        response = client.get(reverse("reports:dashboard"), {"organization": tree.bloc.pk, **ON})
        assert response.status_code == 200
        result = response.context["result"]
        assert result["from_rollups"] is built
        assert [(label, n) for label, n, _ in result["cards"]] == [
            ("đảng viên đến hết ngày 30/06/2024", 5), ("chính thức", 4), ("dự bị", 1), ("được miễn công tác và sinh hoạt đảng", 0),
            ("tổ chức cơ sở đảng", 2), ("chi bộ", 3),
        ]  # fmt: skip
        assert result["movement"].increase_total == 1 and result["movement"].closing == 5
        body = response.content.decode().replace(", đọc từ số liệu tổng hợp theo tháng", "")
        pages.append(body[body.index("<h2>") : body.index("</main>")])
        body = pages[-1]
        assert body.count("<svg") >= 4 and "<script" not in body
        assert "Kết nạp mới" in body and "/bao-cao/danh-sach/?" in body
    assert pages[0] == pages[1]  # the same page whether the figures come from the rollups or are counted live


def test_the_dashboard_opens_on_the_last_month_end_of_the_users_scope(client, tree, people, half):
    client.force_login(people.secretary_a)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    result = response.context["result"]
    assert result["org"] == tree.a and result["on"] == D(2024, 6, 30)
    assert result["cards"][0][1] == 4  # A1 Hùng, Lan; A2 An, Mới
    # Why it may differ from the member list: the dates are said, each page links to the other's figure.
    page = response.content.decode()
    assert "Số liệu tính đến hết ngày 30/06/2024 (như báo cáo tháng)" in page
    assert f'href="{reverse("members:list")}?organization={tree.a.pk}"' in page
    listing = client.get(reverse("members:list"), {"organization": tree.a.pk}).content.decode()
    assert f"tính đến hôm nay {today():%d/%m/%Y}" in listing and "tính đến hết ngày 30/06/2024" in listing
    assert f"{reverse('reports:dashboard')}?organization={tree.a.pk}&amp;on=30%2F06%2F2024" in listing


def test_a_figure_opens_the_names_counted_in_it_that_day(client, tree, people, half):
    client.force_login(people.staff)
    assert names(client, tree.bloc, nhom="gioi_nu", **ON) == ["Đặng Thị Hoa", "Trần Thị Lan"]
    assert names(client, tree.bloc, nhom="du_bi", **ON) == ["Vũ Văn Mới"]
    assert names(client, tree.bloc, nhom="tong", on="01/03/2024") == [
        "Lê Văn An",
        "Đặng Thị Hoa",
        "Nguyễn Văn Hùng",
        "Trần Thị Lan",
    ]  # fmt: skip  (sorted by given name; Mới not yet admitted)
    period = {"start": "01/01/2024", "end": "30/06/2024"}
    assert names(client, tree.bloc, nhom="tang:ket_nap", **period) == ["Vũ Văn Mới"]
    assert names(client, tree.bloc, nhom="tang", **period) == ["Vũ Văn Mới"]
    assert names(client, tree.bloc, nhom="giam", **period) == []
    # The movement page and the headcount page link their figures to these lists.
    page = client.get(reverse("reports:movement"), {"organization": tree.bloc.pk, **period}).content.decode()
    assert "nhom=tang%3Aket_nap" in page
    page = client.get(reverse("reports:index"), {"organization": tree.bloc.pk, **ON}).content.decode()
    assert "nhom=gioi_nu" in page and "nhom=llct_" in page


def test_names_of_an_unknown_figure_or_outside_the_scope_are_missing(client, tree, people, half):
    client.force_login(people.staff)
    for params in (
        {"nhom": "khong_co", **ON},
        {"nhom": "tang:khong_co", "start": "01/01/2024", "end": "30/06/2024"},
    ):
        assert (
            client.get(reverse("reports:names"), {"organization": tree.bloc.pk, **params}).status_code == 404
        )
    for user in (people.secretary_b, people.member_user, people.nobody):
        client.force_login(user)
        for name, params in (("reports:names", {"nhom": "tong", **ON}), ("reports:dashboard", ON)):
            response = client.get(reverse(name), {"organization": tree.a.pk, **params})
            assert response.status_code == 404, (user.username, name)


def test_the_headcount_and_movement_reports_download_as_word_documents(client, tree, people, half):
    from .test_documents import text_of

    client.force_login(people.staff)
    response = client.get(reverse("reports:index"), {"organization": tree.bloc.pk, "docx": "1", **ON})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.docx"')
    text, _ = text_of(response.content)
    assert (
        "Số lượng, cơ cấu đảng viên tại ngày 30/06/2024" in text
        and "có 5 đảng viên (4 chính thức, 1 dự bị)" in text
    )
    assert "Nữ" in text and "40,0%" in text and "PHƯƠNG HƯỚNG" not in text
    response = client.get(reverse("reports:movement"), {"organization": tree.bloc.pk, "docx": "1",
                                                        "start": "01/01/2024", "end": "30/06/2024"})  # fmt: skip
    text, _ = text_of(response.content)
    assert "Biến động đảng viên từ ngày 01/01/2024 đến ngày 30/06/2024" in text
    assert "tăng 1, giảm 0; đầu kỳ có 4, cuối kỳ có 5 đảng viên" in text and "Kết nạp mới" in text


def test_the_dashboard_adds_meetings_tasks_and_support_each_figure_linking_to_its_rows(
    client, tree, people, half
):
    """The twelve months to 30/06/2024 (half's meetings, task and contributions): the figures of the review report's
    sections, the same from the rollups as live, each opening a page the user may see that lists the rows."""
    client.force_login(people.staff)
    pages = []
    for built in (False, True):
        if built:
            rollup_services.rebuild()
        response = client.get(reverse("reports:dashboard"), {"organization": tree.bloc.pk, **ON})
        assert response.status_code == 200
        result = response.context["result"]
        meetings = {label: n for label, n, _ in result["meetings"]["cards"]}
        assert meetings["buổi sinh hoạt thường kỳ đã họp"] == "3" and meetings["buổi phải họp"] == "18"
        assert meetings["tỷ lệ"] == "16,7%" and meetings["buổi cấp trên xếp loại tốt"] == "1"
        tasks = {label: n for label, n, _ in result["tasks"]["cards"]}
        assert tasks["nhiệm vụ đã giao"] == "1" and tasks["lượt báo cáo / lượt giao"] == "1/2"
        support = {label: n for label, n, _ in result["support"]["cards"]}
        assert support["lượt đóng góp"] == "2" and support["tổng trị giá (đồng)"] == "8.000.000"
        body = response.content.decode().replace(", đọc từ số liệu tổng hợp theo tháng", "")
        pages.append(body[body.index("<h2>") : body.index("</main>")])
        assert (
            f"/sinh-hoat/theo-doi/?to_chuc={tree.a.pk}&amp;nam=2024" in pages[-1]
        )  # a bar: that organization's grid
    assert pages[0] == pages[1]
    links = {url for part in ("meetings", "tasks", "support") for _, _, url in result[part]["cards"]}
    links.add(reverse("steering:task", args=[half["task"].pk]))
    for url in links:
        assert client.get(url).status_code == 200, url


def test_the_dashboard_says_when_there_are_no_meetings_tasks_or_support(client, tree, people, half):
    client.force_login(people.staff)
    response = client.get(reverse("reports:dashboard"), {"organization": tree.bloc.pk, "on": "31/12/2022"})
    body = response.content.decode()
    assert body.count("Chưa có số liệu:") >= 3
