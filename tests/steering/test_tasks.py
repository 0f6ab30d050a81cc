"""Tasks assigned by a committee, reports filed by its organizations, the combined figures and the reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dangbo.audit.models import AuditEvent
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.members.history.selectors import alerts
from dangbo.steering.choices import AssigneeMode, ReportKind
from dangbo.steering.models import Assignment, Task
from dangbo.steering.tasks import selectors as task_selectors
from dangbo.steering.tasks import services as svc

D = dt.date


def _task(actor, org, **over):
    data = {"title": "Học tập, quán triệt Chỉ thị 03-CT/TW", "report_kind": ReportKind.DISSEMINATION,
            "assigned_date": D(2024, 3, 1), "deadline": D(2024, 4, 30), "mode": AssigneeMode.ALL_GRASSROOTS}  # fmt: skip
    data.update(over)
    return svc.task_create(actor=actor, organization=org, data=data)


@pytest.fixture
def task(tree, people):
    return _task(people.staff, tree.bloc)


def _file(actor, task, org, **data):
    a = Assignment.objects.get(task=task, organization=org)
    return svc.report_file(actor=actor, assignment=a, data=data)


def test_all_organizations_under_the_committee_are_assigned(tree, people, task):
    assert {a.organization for a in task.assignments.all()} == {tree.a, tree.b}
    assert AuditEvent.objects.filter(
        object_id=str(task.pk), content_type__model="task", action="create"
    ).exists()


def test_chosen_list_and_subtree(tree, people):
    with pytest.raises(ApplicationError) as e:  # a chosen list with nobody in it
        _task(people.staff, tree.bloc, mode=AssigneeMode.CHOSEN)
    assert e.value.field_errors == {"chosen": "Các tổ chức được chọn: hãy đánh dấu ít nhất một tổ chức."}
    t = svc.task_create(actor=people.staff, organization=tree.bloc, chosen=[tree.b], data={
        "title": "Báo cáo số liệu", "report_kind": ReportKind.FIGURE, "figure_label": "Số quần chúng ưu tú",
        "assigned_date": D(2024, 3, 1), "deadline": D(2024, 4, 1), "mode": AssigneeMode.CHOSEN})  # fmt: skip
    assert [a.organization for a in t.assignments.all()] == [tree.b]
    t = svc.task_create(actor=people.staff, organization=tree.bloc, under=tree.a, data={
        "title": "Quán triệt trong Đảng bộ Sở Y tế", "report_kind": ReportKind.WRITTEN,
        "assigned_date": D(2024, 3, 1), "deadline": D(2024, 4, 1), "mode": AssigneeMode.SUBTREE})  # fmt: skip
    assert {a.organization for a in t.assignments.all()} == {tree.a1, tree.a2}


def test_a_list_outside_the_committee_is_refused(tree, people):
    with pytest.raises(ApplicationError) as e:
        svc.task_create(actor=people.secretary_a, organization=tree.a, chosen=[tree.b], data={
            "title": "X", "report_kind": ReportKind.WRITTEN, "assigned_date": D(2024, 3, 1),
            "deadline": D(2024, 4, 1), "mode": AssigneeMode.CHOSEN})  # fmt: skip
    assert "Chi bộ Sở Tư pháp" in e.value.field_errors["chosen"]
    assert not Task.objects.exists()


def test_bad_task_input_names_the_fields(tree, people):
    with pytest.raises(ApplicationError) as e:
        _task(people.staff, tree.bloc, title="", deadline=D(2024, 2, 1))
    assert set(e.value.field_errors) == {"title", "deadline"}
    with pytest.raises(PermissionDenied):
        _task(people.secretary_b, tree.bloc)
    assert not Task.objects.exists()


def test_dissemination_report_uses_the_roll_of_the_day(tree, people, task):
    a = _file(people.secretary_a, task, tree.a, session_date=D(2024, 3, 20), attended=2, content="")
    assert (a.member_total, a.attended) == (3, 2)  # three members in Sở Y tế's cells on that day
    assert a.reported_by == people.secretary_a
    with pytest.raises(ApplicationError) as e:
        _file(people.secretary_b, task, tree.b, session_date=D(2024, 3, 20), attended=5)
    assert "nhiều hơn số đảng viên" in e.value.field_errors["attended"]
    assert Assignment.objects.get(task=task, organization=tree.b).reported_at is None


def test_only_the_organization_or_its_committee_reports(tree, people, task):
    with pytest.raises(PermissionDenied):
        _file(people.secretary_b, task, tree.a, session_date=D(2024, 3, 20), attended=1)
    with pytest.raises(PermissionDenied):
        _file(people.leader, task, tree.a, session_date=D(2024, 3, 20), attended=1)


def test_combined_figures(tree, people, task):
    _file(people.secretary_a, task, tree.a, session_date=D(2024, 3, 20), attended=2)
    s = task_selectors.summary(task, on=D(2024, 5, 2))
    assert (s.total, s.reported, s.overdue) == (2, 1, 1)
    assert "1/2 tổ chức đã học tập, quán triệt" in s.line
    assert "66,7% đảng viên tham dự (2/3)" in s.line
    _file(people.secretary_b, task, tree.b, session_date=D(2024, 3, 21), attended=1)
    s = task_selectors.summary(task, on=D(2024, 5, 2))
    assert (s.reported, s.overdue, s.attended, s.member_total) == (2, 0, 3, 4)
    assert "75,0% đảng viên tham dự" in s.line


def test_a_report_after_the_deadline_counts_as_late(tree, people, task):
    a = _file(people.secretary_a, task, tree.a, session_date=D(2024, 3, 20), attended=2)
    a.reported_at = timezone.make_aware(dt.datetime(2024, 4, 30, 23, 0))
    a.save()
    assert task_selectors.summary(task, on=D(2024, 5, 2)).late == 0
    a.reported_at = timezone.make_aware(dt.datetime(2024, 5, 1, 0, 30))
    a.save()
    assert task_selectors.summary(task, on=D(2024, 5, 2)).late == 1


def test_the_summaries_of_many_tasks_are_each_tasks_summary_in_one_query(tree, people, task):
    """The batched summary (the dashboard, the review report, a document's tasks) says what ``summary`` says of each
    task — reported on time, late on the next day in the local time zone, not yet, overdue — in one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    figure = svc.task_create(actor=people.staff, organization=tree.bloc, chosen=[tree.b], data={
        "title": "Báo cáo số liệu", "report_kind": ReportKind.FIGURE, "figure_label": "Kinh phí (đồng)",
        "assigned_date": D(2024, 3, 1), "deadline": D(2024, 6, 30), "mode": AssigneeMode.CHOSEN})  # fmt: skip
    written = _task(people.staff, tree.bloc, report_kind=ReportKind.WRITTEN, title="Báo cáo sơ kết",
                    deadline=D(2024, 3, 31))  # fmt: skip
    on_time = _file(people.secretary_a, task, tree.a, session_date=D(2024, 3, 20), attended=2)
    late = _file(people.secretary_b, task, tree.b, session_date=D(2024, 3, 21), attended=1)
    sent = _file(people.secretary_b, figure, tree.b, figure="1.250.000")
    for a, at in ((on_time, dt.datetime(2024, 4, 30, 23, 0)), (late, dt.datetime(2024, 5, 1, 0, 30)),
                  (sent, dt.datetime(2024, 6, 1, 9, 0))):  # fmt: skip
        Assignment.objects.filter(pk=a.pk).update(reported_at=timezone.make_aware(at))
    tasks = list(Task.objects.select_related("document__doc_type").order_by("pk"))
    for on in (D(2024, 4, 15), D(2024, 5, 2), D(2024, 7, 1)):
        with CaptureQueriesContext(connection) as queries:
            found = task_selectors.summaries(tasks, on=on)
        assert len(queries) == 1
        assert found == {t.pk: task_selectors.summary(t, on=on) for t in tasks}
    s = found[task.pk]
    assert (s.total, s.reported, s.on_time, s.late, s.missing, s.overdue) == (2, 2, 1, 1, 0, 0)
    assert "1 tổ chức báo cáo muộn" in s.line
    assert (found[written.pk].missing, found[written.pk].overdue) == (2, 2)
    assert "kinh phí (đồng): 1.250.000" in found[figure.pk].line
    before = task_selectors.summaries(
        tasks, on=D(2024, 7, 1), filed_by=D(2024, 4, 30)
    )  # a past period's report
    assert (before[task.pk].reported, before[task.pk].late) == (1, 0)
    assert task_selectors.summaries([], on=D(2024, 7, 1)) == {}


def test_no_report_after_the_task_is_closed(tree, people, task):
    svc.task_close(actor=people.staff, task=task, on=D(2024, 5, 15))
    with pytest.raises(ApplicationError) as e:
        _file(people.secretary_a, task, tree.a, session_date=D(2024, 3, 20), attended=2)
    assert "kết thúc nhận báo cáo ngày 15/05/2024" in e.value.message
    assert not Assignment.objects.filter(reported_at__isnull=False).exists()


def test_reminders_before_and_after_the_deadline(tree, people, task):
    texts = [a.text for a in alerts(people.secretary_a, on=D(2024, 4, 25))]
    assert any("Đảng bộ Sở Y tế: báo cáo «Học tập" in t for t in texts)
    texts = [a.text for a in alerts(people.secretary_a, on=D(2024, 5, 3))]
    assert any("quá hạn báo cáo" in t for t in texts)
    staff = [a.text for a in alerts(people.staff, on=D(2024, 5, 3))]
    assert any("2/2 tổ chức chưa báo cáo" in t for t in staff)
    assert not [a for a in alerts(people.secretary_b, on=D(2024, 4, 1)) if "Sở Y tế" in a.text]
    _file(people.secretary_a, task, tree.a, session_date=D(2024, 3, 20), attended=2)
    assert not [a for a in alerts(people.secretary_a, on=D(2024, 5, 3)) if "quá hạn báo cáo" in a.text]


def test_pages_assign_follow_and_report(client, tree, people):
    client.force_login(people.staff)
    response = client.post(reverse("steering:task_create"), {
        "organization": tree.bloc.pk, "title": "Quán triệt Nghị quyết", "report_kind": "quan_triet",
        "assigned_date": "01/03/2024", "deadline": "31/03/2024", "mode": "tat_ca_co_so"})  # fmt: skip
    t = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == t.get_absolute_url()
    page = client.get(t.get_absolute_url()).content.decode()
    assert "0/2 tổ chức đã học tập, quán triệt" in page and "Chi bộ Sở Tư pháp" in page

    client.force_login(people.secretary_b)
    page = client.get(reverse("steering:tasks")).content.decode()
    assert "Quán triệt Nghị quyết" in page
    a = Assignment.objects.get(organization=tree.b)
    bad = client.post(
        reverse("steering:report", args=[a.pk]), {"session_date": "31/02/2024", "attended": "-1"}
    )
    body = bad.content.decode()
    assert bad.status_code == 200 and "Ngày học tập, quán triệt:" in body and "Số đảng viên tham dự:" in body
    ok = client.post(reverse("steering:report", args=[a.pk]), {"session_date": "20/03/2024", "attended": "1"})
    assert ok.status_code == 302
    # The sibling's report is not theirs to see.
    other = Assignment.objects.get(organization=tree.a)
    assert client.get(reverse("steering:report", args=[other.pk])).status_code == 404
    assert client.get(t.get_absolute_url()).content.decode().count("Đảng bộ Sở Y tế") == 0

    client.force_login(people.staff)
    page = client.get(t.get_absolute_url()).content.decode()
    assert "1/2 tổ chức đã học tập, quán triệt" in page


def test_report_attachment_is_checked(client, tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    t = _task(people.staff, tree.bloc, report_kind=ReportKind.WRITTEN, title="Báo cáo sơ kết")
    a = Assignment.objects.get(task=t, organization=tree.b)
    client.force_login(people.secretary_b)
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("bao-cao.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client.post(reverse("steering:report", args=[a.pk]), {"content": "", "upload": fake})
    assert "Tệp đính kèm:" in response.content.decode()
    a.refresh_from_db()
    assert a.reported_at is None and not a.attachment
    real = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    assert (
        client.post(reverse("steering:report", args=[a.pk]), {"content": "", "upload": real}).status_code
        == 302
    )
    download = client.get(reverse("steering:report_file", args=[a.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]


def test_follow_up_spreadsheet(client, tree, people, task):
    import io

    from openpyxl import load_workbook

    _file(people.secretary_a, task, tree.a, session_date=D(2024, 3, 20), attended=2)
    client.force_login(people.staff)
    response = client.get(reverse("steering:task_xlsx", args=[task.pk]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    texts = [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert any("1/2 tổ chức đã học tập, quán triệt" in t for t in texts)
    assert {"ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", "ĐẢNG CỘNG SẢN VIỆT NAM", "NGƯỜI LẬP BẢNG"} <= set(texts)
    rows = {r[1] or r[0]: r for r in _table_rows(ws)}
    assert rows["Đảng bộ Sở Y tế"][5:8] == (3, 2, 66.7)
    assert rows["Chi bộ Sở Tư pháp"][2] == "Quá hạn, chưa báo cáo"  # deadline 30/04/2024
    first = next(r for r in ws.iter_rows() if r[0].value == "STT")[0].row + 1
    assert rows["Cộng"][5:7] == (f"=SUM(F{first}:F{first + 1})", f"=SUM(G{first}:G{first + 1})")
    client.force_login(people.secretary_b)  # sees only their own row
    ws = load_workbook(io.BytesIO(client.get(reverse("steering:task_xlsx", args=[task.pk])).content)).active
    assert [r[1] for r in _table_rows(ws) if r[0] != "Cộng"] == ["Chi bộ Sở Tư pháp"]


def _table_rows(ws):
    """The rows of the table of a print-style sheet: after the header row (first cell "STT"), up to a blank row."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "STT") + 1
    out = []
    for r in rows[start:]:
        if r[0] is None:
            break
        out.append(r)
    return out


def test_plain_members_have_no_directing_work(client, tree, people, task):
    client.force_login(people.member_user)
    home = client.get(reverse("workspace:home")).content.decode()
    assert "Lãnh đạo, chỉ đạo" not in home
    page = client.get(reverse("steering:tasks")).content.decode()
    assert "Học tập, quán triệt" not in page and "Giao nhiệm vụ</a>" not in page
    client.force_login(people.cell_secretary)
    assert "Lãnh đạo, chỉ đạo" in client.get(reverse("workspace:home")).content.decode()


def test_typed_text_stays_text_in_the_spreadsheet(client, tree, people):
    import io

    from openpyxl import load_workbook

    t = _task(people.staff, tree.bloc, report_kind=ReportKind.WRITTEN, title="=1+1 báo cáo")
    a = Assignment.objects.get(task=t, organization=tree.b)
    svc.report_file(
        actor=people.secretary_b, assignment=a, data={"content": '=HYPERLINK("http://x.example","Bấm")'}
    )
    client.force_login(people.staff)
    ws = load_workbook(io.BytesIO(client.get(reverse("steering:task_xlsx", args=[t.pk])).content)).active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    typed = [c for c in cells if c.value.startswith("=") and not c.value.startswith("=SUM(")]
    assert {c.value for c in typed} == {'=HYPERLINK("http://x.example","Bấm")'}
    assert all(c.data_type == "s" for c in typed)
    assert any("=1+1 BÁO CÁO" in c.value and c.data_type == "s" for c in cells)  # the title, as typed


def test_correcting_a_report_keeps_the_first_filing_time(tree, people, task):
    a = _file(people.secretary_a, task, tree.a, session_date=D(2024, 3, 20), attended=2)
    first = timezone.make_aware(dt.datetime(2024, 4, 1, 9, 0))
    Assignment.objects.filter(pk=a.pk).update(reported_at=first)
    again = _file(people.secretary_a, task, tree.a, session_date=D(2024, 3, 20), attended=3)
    assert again.reported_at == first and again.attended == 3
    assert task_selectors.summary(task, on=D(2024, 5, 2)).late == 0


def test_a_deadline_years_away_is_a_typing_error(tree, people):
    with pytest.raises(ApplicationError) as e:
        _task(people.staff, tree.bloc, deadline=D(9999, 12, 31))
    assert "Hạn báo cáo: quá 5 năm" in e.value.field_errors["deadline"]


def test_figure_reports_read_vietnamese_numbers_and_refuse_absurd_ones(client, tree, people):
    t = svc.task_create(actor=people.staff, organization=tree.bloc, chosen=[tree.b], data={
        "title": "Báo cáo kinh phí", "report_kind": ReportKind.FIGURE, "figure_label": "Kinh phí (đồng)",
        "assigned_date": D(2024, 3, 1), "deadline": D(2024, 4, 1), "mode": AssigneeMode.CHOSEN})  # fmt: skip
    a = t.assignments.get()
    client.force_login(people.secretary_b)
    url = reverse("steering:report", args=[a.pk])
    for bad in ("1e20", "-5", "12,345"):
        body = client.post(url, {"figure": bad}).content.decode()
        assert "Kinh phí (đồng):" in body, bad
    a.refresh_from_db()
    assert a.reported_at is None
    assert client.post(url, {"figure": "1.250.000"}).status_code == 302
    a.refresh_from_db()
    assert a.figure == 1250000


def test_whole_figures_print_as_whole_numbers_in_the_follow_up_table(client, tree, people):
    """Seen rendered (issue 13): «Số quần chúng ưu tú được giới thiệu» printed 4.0, 11.0 — people in decimals."""
    import io

    from openpyxl import load_workbook

    def figure_cells(reported: str):
        t = svc.task_create(actor=people.staff, organization=tree.bloc, chosen=[tree.b], data={
            "title": "Báo cáo số liệu", "report_kind": ReportKind.FIGURE, "figure_label": "Số quần chúng ưu tú",
            "assigned_date": D(2024, 3, 1), "deadline": D(2024, 4, 1), "mode": AssigneeMode.CHOSEN})  # fmt: skip
        client.force_login(people.secretary_b)
        assert (
            client.post(
                reverse("steering:report", args=[t.assignments.get().pk]), {"figure": reported}
            ).status_code
            == 302
        )
        client.force_login(people.staff)
        ws = load_workbook(io.BytesIO(client.get(reverse("steering:task_xlsx", args=[t.pk])).content)).active
        header = next(c for row in ws.iter_rows() for c in row if c.value == "Số quần chúng ưu tú")
        return [ws.cell(row=r, column=header.column) for r in range(header.row + 1, ws.max_row + 1)
                if isinstance(ws.cell(row=r, column=header.column).value, (int, float))]  # fmt: skip

    (four,) = figure_cells("4")
    assert four.value == 4 and four.number_format == "[$-42A]#,##0"
    (half,) = figure_cells("2,5")  # a figure with a fraction keeps its decimal
    assert half.value == 2.5 and half.number_format == "[$-42A]#,##0.0"


def test_a_replaced_report_file_is_removed(
    tree, people, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    t = _task(people.staff, tree.bloc, report_kind=ReportKind.WRITTEN, title="Báo cáo sơ kết")
    a = Assignment.objects.get(task=t, organization=tree.b)

    def pdf(text):
        return SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n" + text, content_type="application/pdf")

    first = svc.report_file(
        actor=people.secretary_b, assignment=a, data={"content": "Lần 1"}, upload=pdf(b"1")
    )
    old = first.attachment.path
    with django_capture_on_commit_callbacks(execute=True):
        second = svc.report_file(
            actor=people.secretary_b, assignment=a, data={"content": "Lần 2"}, upload=pdf(b"2")
        )
    assert second.attachment.path != old
    assert [p.name for p in tmp_path.rglob("*.pdf")] == [second.attachment.path.rsplit("/", 1)[1]]


def test_the_committee_extends_a_deadline_and_the_late_count_follows(client, tree, people, task):
    a = _file(people.secretary_a, task, tree.a, session_date=D(2024, 3, 20), attended=2)
    Assignment.objects.filter(pk=a.pk).update(reported_at=timezone.make_aware(dt.datetime(2024, 5, 10, 9)))
    assert task_selectors.summary(task, on=D(2024, 6, 1)).late == 1
    client.force_login(people.staff)
    bad = client.post(reverse("steering:task_edit", args=[task.pk]), {"title": "", "deadline": "01/01/2023"})
    assert "Nhiệm vụ:" in bad.content.decode() and "Hạn báo cáo: trước ngày giao" in bad.content.decode()
    ok = client.post(
        reverse("steering:task_edit", args=[task.pk]), {"title": task.title, "deadline": "15/05/2024"}
    )
    assert ok.status_code == 302
    task.refresh_from_db()
    assert task.deadline == D(2024, 5, 15) and task_selectors.summary(task, on=D(2024, 6, 1)).late == 0
    assert AuditEvent.objects.filter(
        object_id=str(task.pk), content_type__model="task", action="update"
    ).exists()
    client.force_login(people.secretary_a)  # the organization reporting does not change the task
    assert client.get(reverse("steering:task_edit", args=[task.pk])).status_code == 404


def test_a_task_follows_a_document_of_its_own_line_only(tree, people):
    from dangbo.steering.documents import services as documents

    sibling = documents.document_register(actor=people.staff, register=tree.b, data={
        "doc_type": "NQ", "number": 5, "issuer_code": "CB", "issuer_name": "Chi bộ Sở Tư pháp",
        "issued_date": D(2024, 1, 5), "summary": "Nghị quyết của chi bộ"})  # fmt: skip
    with pytest.raises(ApplicationError) as e:
        _task(people.secretary_a, tree.a, document=sibling)
    assert "không thuộc sổ văn bản của cấp ủy này" in e.value.field_errors["document"]
    above = documents.document_register(actor=people.staff, register=tree.bloc, data={
        "doc_type": "CT", "number": 3, "issuer_code": "TW", "issuer_name": "Bộ Chính trị",
        "issued_date": D(2024, 1, 5), "summary": "Chỉ thị"})  # fmt: skip
    assert _task(people.secretary_a, tree.a, document=above).document == above


def test_a_cell_assigns_no_tasks(tree, people):
    with pytest.raises(PermissionDenied):
        _task(people.staff, tree.a1)
    assert tree.a1 not in task_selectors.directing_organizations(people.staff)
    assert tree.a in task_selectors.directing_organizations(people.staff)


def test_checking_a_chosen_list_costs_the_same_for_any_length(tree, people, django_assert_max_num_queries):
    from dangbo.organizations import services as org_services

    more = [org_services.organization_create(actor=people.staff, parent=tree.bloc,
                                             data={"name": f"Chi bộ Sở {i}", "code": f"S{i}", "kind": "chi_bo_co_so"})
            for i in range(8)]  # fmt: skip
    data = {"title": "Báo cáo", "report_kind": ReportKind.WRITTEN, "assigned_date": D(2024, 3, 1),
            "deadline": D(2024, 4, 1), "mode": AssigneeMode.CHOSEN}  # fmt: skip
    with django_assert_max_num_queries(20):
        t = svc.task_create(actor=people.staff, organization=tree.bloc, chosen=[tree.b, *more], data=data)
    assert t.assignments.count() == 9


def test_lists_and_exports_cost_the_same_whatever_their_length(client, tree, people):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangbo.organizations import services as org_services
    from dangbo.steering.documents import services as documents

    def queries(url, params=None):
        # Every page as on its first visit: the home page keeps its reminders until a change in the user's scope,
        # and a kept entry costs a look at the audit events since — the same count whatever the lists' length,
        # but not the count of a first computation.
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params or {}).status_code == 200
        return len(ctx.captured_queries)

    def grow(n):
        for i in range(n):
            doc = documents.document_register(actor=people.staff, register=tree.bloc, data={
                "doc_type": "CT", "number": 100 + len(Task.objects.all()) + i, "issuer_code": "TW",
                "issuer_name": "Bộ Chính trị", "issued_date": D(2024, 1, 5), "summary": f"Chỉ thị {i}"})  # fmt: skip
            _task(people.staff, tree.bloc, document=doc, title=f"Quán triệt chỉ thị {i}")

    grow(1)
    t = Task.objects.first()
    client.force_login(people.staff)
    urls = [(reverse("steering:tasks"), None), (reverse("steering:documents"), None),
            (t.get_absolute_url(), None), (reverse("steering:task_xlsx", args=[t.pk]), None),
            (reverse("workspace:home"), None)]  # fmt: skip
    before = [queries(u, p) for u, p in urls]
    grow(4)
    for i in range(6):  # more organizations under the bloc for the next task
        org_services.organization_create(actor=people.staff, parent=tree.bloc,
                                         data={"name": f"Chi bộ Sở {i}", "code": f"S{i}", "kind": "chi_bo_co_so"})  # fmt: skip
    t2 = _task(people.staff, tree.bloc, title="Nhiệm vụ cho 8 tổ chức")
    for a in t2.assignments.all()[:4]:
        svc.report_file(
            actor=people.staff, assignment=a, data={"session_date": D(2024, 3, 20), "attended": 0}
        )
    urls[2:4] = [(t2.get_absolute_url(), None), (reverse("steering:task_xlsx", args=[t2.pk]), None)]
    after = [queries(u, p) for u, p in urls]
    assert after == before, list(zip([u for u, _ in urls], before, after, strict=True))


def test_task_update_refuses_a_stale_version(tree, people, task, root_user):
    from dangbo.audit.concurrency.services import StaleEdit

    version = svc.TASK_VERSION.of(task)
    svc.task_update(
        actor=people.staff, task=task, data={"deadline": D(2024, 5, 15)}, expected_version=version
    )
    with pytest.raises(StaleEdit) as refused:
        svc.task_update(actor=root_user, task=task, data={"title": "Tiêu đề khác"}, expected_version=version)
    assert (
        refused.value.changed == ["deadline"]
        and "Nhiệm vụ này đã được staff sửa lúc" in refused.value.message
    )
    assert Task.objects.get(pk=task.pk).title == "Học tập, quán triệt Chỉ thị 03-CT/TW"


def test_two_people_edit_the_same_task(client, tree, people, task, root_user):
    from django.test import Client

    from tests.pageform import form_values

    url = reverse("steering:task_edit", args=[task.pk])
    first, second = Client(), Client()
    first.force_login(people.staff)
    second.force_login(root_user)
    first_form = form_values(first.get(url).content.decode())
    second_form = form_values(second.get(url).content.decode())
    first_form["deadline"] = "15/05/2024"
    assert first.post(url, first_form).status_code == 302
    second_form["title"] = "Tiêu đề mới"
    page = second.post(url, second_form).content.decode()
    assert "Nhiệm vụ này đã được staff sửa lúc" in page and "Hạn báo cáo" in page
    again = form_values(page)
    assert again["title"] == "Tiêu đề mới" and again["deadline"] == "15/05/2024"
    assert second.post(url, again).status_code == 302
    task.refresh_from_db()
    assert (task.title, task.deadline) == ("Tiêu đề mới", D(2024, 5, 15))
