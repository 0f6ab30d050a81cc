"""The minutes page shows every problem in one round, with a summary at the top: what the form cannot read and
what the service refuses, each under the label of its field — and nothing is saved."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from dangbo.core.errors import ApplicationError
from dangbo.core.forms import labelled
from dangbo.meetings.models import Meeting
from tests.meetings.test_meetings import D, call, cell, names_to_ids, plan  # noqa: F401 - fixture
from tests.pageform import form_values


def test_form_and_service_problems_in_one_round_with_a_summary(cell, root_user, people):  # noqa: F811
    m = plan(root_user, cell, D(2024, 3, 5))
    m = call(root_user, m, {"Nguyễn Văn Hùng": "co_mat", "Trần Thị Lan": "co_mat", "Phạm Thị Bốn": "vang_co_ly_do",
                            "Đỗ Văn Năm": "co_mat"})  # fmt: skip
    url = reverse("meetings:minutes", args=[m.pk])
    client = Client()
    client.force_login(people.cell_secretary)
    values = form_values(client.get(url).content.decode())
    values["dues_amount"] = "mười nghìn"  # the form cannot read it
    values["chair"] = str(names_to_ids(m)["Phạm Thị Bốn"])  # the service refuses: absent
    values["votes_for"] = "9"  # the service refuses: more than the members present
    response = client.post(url, values)
    assert response.status_code == 200
    page = response.content.decode()
    summary = page[page.index('id="loi-bieu-mau"') : page.index("</ul></div>")]
    assert "Số tiền đảng phí thu được (đồng): phải là một số" in summary
    assert "Chủ trì: Phạm Thị Bốn được điểm danh vắng có lý do" in summary
    assert "Số tán thành:" in summary
    assert Meeting.objects.get(pk=m.pk).chair_id is None  # nothing saved


def test_a_service_message_takes_the_fields_label():
    assert labelled("Ngày giới thiệu", "Ngày có hiệu lực: không được sau ngày hôm nay.") == (
        "Ngày giới thiệu: không được sau ngày hôm nay."
    )
    assert (
        labelled("Ngày giới thiệu", "Ngày giới thiệu: trước ngày sinh.")
        == "Ngày giới thiệu: trước ngày sinh."
    )
    assert labelled("Chủ trì", "Không tìm thấy đảng viên.") == "Chủ trì: không tìm thấy đảng viên."
    # a message naming its own subject keeps it (the roll call row of a member who chairs)
    assert labelled("Nguyễn Văn Hùng", "Chủ trì: Nguyễn Văn Hùng vắng.") == "Chủ trì: Nguyễn Văn Hùng vắng."
    error = ApplicationError("x", field_errors={"date": "Ngày có hiệu lực: trước ngày sinh."})
    assert error.field_errors["date"].startswith("Ngày có hiệu lực")


def test_line_breaks_of_an_agenda_and_of_the_minutes_are_kept(cell, root_user):  # noqa: F811
    from dangbo.meetings import services

    m = plan(
        root_user,
        cell,
        D(2024, 3, 5),
        agenda="1. Thu đảng phí\r\n2.  Kiểm điểm   tháng trước\n\n\n\n3. Nghị quyết ",
    )
    assert m.agenda == "1. Thu đảng phí\n2. Kiểm điểm tháng trước\n\n3. Nghị quyết"
    m = services.minutes_save(actor=root_user, meeting=m, data={"resolution": "Thứ nhất: …\nThứ hai: …"})
    assert m.resolution == "Thứ nhất: …\nThứ hai: …"
