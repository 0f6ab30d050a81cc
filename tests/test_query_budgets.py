"""What each page costs in SQL queries, in one place (NetBox keeps its budgets the same way).

Every page a user opens has a budget here, measured as the bloc's organization-department staff on the small
tree of ``conftest.py`` with one object of each kind; a page over its budget fails with the count, and a page
whose count grows when its lists grow (an N+1 query) fails too. A new page without a budget fails until one is
written here — measure it, and keep it constant in the number of rows.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.test_scope_every_url import all_patterns, keyed_urls, urls_of_a

# Queries of each page as the bloc's staff (caches warm: the session, the user with their role assignments — one
# statement, ``accounts.selectors.SessionUserBackend`` —, content types). Pages that do not
# answer a GET with a page (POST-only actions, files that the fixture has none of) have no budget.
BUDGETS: dict[str, int] = {
    "workspace:home": 32,  # the reminders computed (cache cold), this year's tasks; dues: arrears and remittances to confirm; evaluation: self-assessments, proposals, decisions
    "workspace:work": 26,  # the reminders computed (cache cold)
    "core:health": 5,
    "accounts:password_change": 3,
    "accounts:user_list": 6,
    "accounts:user_create": 4,
    "organizations:tree": 7,  # the import links: where the viewer may found organizations, change committees
    "organizations:picker": 4,  # the organization picker's search (JSON): the version of the tree, the offered list
    "members:list": 11,
    "members:create": 7,
    "members:import": 7,
    "members:import_template": 3,
    "members:transfers": 5,
    "members:candidates": 5,
    "members:candidate_create": 7,
    "meetings:calendar": 7,  # the range of the viewer's data for the month links
    "meetings:plan": 7,
    "meetings:overview": 15,  # + the months on record anywhere (one probe a month); + where each row's meeting records begin ("chưa có số liệu" before); the root's and its children's links with their organizations in one: 18 → 15
    "steering:index": 9,  # the task list: the latest year with tasks, the counts of the pages
    "steering:documents": 10,
    "steering:document_create": 7,  # the register picker (OrganizationChoiceForm): any register, one or more, the chosen one
    "steering:tasks": 9,  # the latest year with tasks (the default year); pages
    "steering:task_create": 10,
    "steering:terms": 4,
    "steering:programmes": 6,
    "steering:programme_create": 7,
    "reports:index": 7,
    "reports:movement": 7,
    "reports:review": 8,  # the reports saved in the scope
    "reports:statistics": 7,
    "reports:review_detail": 7,  # a draft: nothing computed until it is downloaded
    "reports:dashboard": 37,  # the months on record for each of its two grids; live (rollups not built here): composition by dimension, movement, 12 month ends in one;
    # + the meetings (the grid of each year of the 12 months), tasks and support sections of the review report;
    # the reads the sections share made once per page (core.memo: the rollups' state, paths, tree version): budget 59 → 43;
    # each grid counts only the period's months and reads its rows' links in one query: 45 → 39; the months on record of
    # both grids in one probe, the rollups' state and whether the meetings are built from one read of its row: 39 → 37
    "jobs:list": 5,
    "accounts:user_detail": 8,
    "organizations:detail": 9,  # a cell's members read for a cell only
    "organizations:children": 6,
    "organizations:edit": 5,  # version token: the last audit event
    "organizations:committee": 8,
    "organizations:create": 4,
    "organizations:restructure": 7,
    "organizations:handover": 7,
    "members:detail": 11,  # the personal-data view: logged once per 10 minutes, and who viewed; transfers, committee seats, a login: no query when the member has none (flags read with the member)
    "members:edit": 8,  # version token; the personal-data view
    "members:event_create": 6,
    "members:transfer_create": 10,  # dues: "paid up to" from the ledger
    "members:transfer": 5,
    "members:transfer_letter": 9,  # the signer seated on the letter's date: its term, then its seats (organizations.selectors.signer_on)
    "members:candidate": 13,  # version token
    "meetings:detail": 11,
    "meetings:edit": 6,  # version token
    "meetings:attendance": 12,  # the version token: the saved roll call and the latest audit event
    "meetings:minutes": 20,  # version token
    "meetings:minutes_docx": 17,
    "steering:document": 7,
    "steering:document_edit": 6,  # version token
    "steering:task": 7,
    "steering:task_edit": 5,  # version token
    "steering:task_xlsx": 6,
    "steering:report": 6,
    "steering:term_targets": 6,
    "steering:target_create": 5,
    "steering:target": 7,
    "steering:target_edit": 5,  # version token
    "steering:programme": 7,
    "steering:programme_edit": 5,  # version token
    "steering:contribution_create": 9,
    "jobs:detail": 4,
    "jobs:status": 4,
    "dues:overview": 19,  # the import link of dues bases
    "dues:sheet": 11,
    "dues:member": 8,
    "dues:book": 6,
    "evaluation:campaign": 11,  # 50 a page: the cells with the count (stored tallies), the page's ids then rows with their evidence counts (one query on PostgreSQL), the disciplines, dues arrears (registered), the counts by level, the organizations apart
    "dues:report": 22,  # names of the period, the level's months, the children; the signer (term, seats)
    "dues:grassroots_book": 8,
    "evaluation:decision_docx": 10,  # the signer (term, seats)
    "evaluation:results": 9,  # the campaign with the previous one; as the campaign page's list, without evidence
    "evaluation:results_xlsx": 6,
    "evaluation:scope_results": 8,
    "evaluation:organization": 5,
    "evaluation:criteria": 6,
    "evaluation:residents": 5,  # the registrations with the residence cell and their comments
    "evaluation:rating": 15,  # the catalogue, the residence comment, dues arrears; the residence cell picker (the tree version)
    "evaluation:decide": 10,
    # The JSON API (session-authenticated here; a token costs one query more, and one write every 5 minutes)
    "api_tokens:list": 4,
    "api:openapi-json": 2,
    "api:openapi-view": 3,
    "api:organization_list": 4,
    "api:organization_detail": 3,
    "api:organization_children": 5,
    "api:organization_tree": 6,
    "api:member_list": 9,
    "api:member_create": 9,  # the same URL as member_list (POST creates)
    "api:member_detail": 7,  # the personal-data view (as the page), the version token
    "api:member_update": 7,  # the same URL as member_detail (PATCH updates)
    "api:meeting_list": 4,
    "api:meeting_detail": 6,  # attendance_version: the saved roll call and the latest audit event
    "api:document_list": 4,
    "api:document_detail": 3,
    "api:task_list": 4,
    "api:task_detail": 4,
    "api:report_headcount": 14,
    "api:member_event_list": 4,
    "api:member_event_create": 4,  # the same URL as member_event_list (POST records)
    "api:meeting_roll": 11,
    "api:meeting_attendance": 11,  # the same URL as meeting_roll (PUT calls the roll)
    "api:report_movement": 14,
    "evaluation:index": 7,  # the import link of evaluation results; the residence cells the actor comments for
    "jobs:import[to_chuc]": 4,
    "jobs:import_template[to_chuc]": 3,
    "jobs:import[dang_vien]": 7,
    "jobs:import_template[dang_vien]": 3,
    "jobs:import[su_kien_dang_vien]": 4,
    "jobs:import_template[su_kien_dang_vien]": 3,
    "jobs:import[cap_uy]": 4,
    "jobs:import_template[cap_uy]": 3,
    "jobs:import[can_cu_dang_phi]": 4,
    "jobs:import[ket_qua_danh_gia]": 4,
    "jobs:import_template[ket_qua_danh_gia]": 3,
    "jobs:import_template[can_cu_dang_phi]": 3,
    "jobs:export[dang_vien]": 17,  # the filters' lines under the title; the audit event of the export
    "jobs:export[dang_vien_nhap_lai]": 12,  # as dang_vien, the audit event of the personal data it carries (in its own transaction: a savepoint here)
    "jobs:export[to_chuc]": 8,
    "jobs:export[sinh_hoat]": 8,
    "jobs:export[van_ban]": 8,
    "jobs:export[nhiem_vu]": 10,  # the default year: the latest with tasks (two aggregates)
    "jobs:export[chuong_trinh_ho_tro]": 10,
}  # fmt: skip


def _pages(tree, people, seat, history):
    plain = [(name, reverse(name)) for name, params in all_patterns()
             if not params and name not in ("accounts:login", "accounts:logout")]  # fmt: skip
    return plain + urls_of_a(tree, people, seat, history) + keyed_urls()


def _count(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries)


def _grow(tree):
    """More of every listed kind under A: members, meetings, documents, tasks with their assignments, targets,
    programmes and contributions."""
    from dangbo.organizations.models import Term
    from dangbo.steering.models import Programme
    from tests.factories import (
        ContributionFactory,
        DocumentFactory,
        MeetingFactory,
        MemberFactory,
        ProgrammeFactory,
        TargetFactory,
        TaskFactory,
    )  # fmt: skip

    term = Term.objects.get(organization=tree.a, name="2020–2025")
    programme = Programme.objects.get(organization=tree.a)
    for i in range(6):
        MemberFactory(organization=tree.a1, full_name=f"Phạm Văn Thêm {chr(65 + i)}")
        MeetingFactory(organization=tree.a1, planned_at=timezone.make_aware(dt.datetime(2024, 4 + i, 5, 14)))
        TaskFactory(organization=tree.a, document=DocumentFactory(register=tree.a, number=100 + i))
        TargetFactory(term=term, number=10 + i)
        ProgrammeFactory(organization=tree.a)
        ContributionFactory(programme=programme, supporter=tree.a2, date=dt.date(2024, 3, 1 + i))


def test_every_page_keeps_its_budget_whatever_the_number_of_rows(client, tree, people, seat, history_of_a):
    client.force_login(people.staff)
    pages = _pages(tree, people, seat, history_of_a)
    for _, url in pages:  # warm the caches a real server keeps between requests
        client.get(url)
    first = {name: _count(client, url) for name, url in pages}
    pages = [(name, url) for name, url in pages if first[name][0] == 200]
    assert {name for name, _ in pages} == set(BUDGETS), "a page without a budget (or a budget of a page gone)"
    over = {name: (first[name][1], BUDGETS[name]) for name, _ in pages if first[name][1] > BUDGETS[name]}
    assert over == {}, f"queries over the budget: (measured, budget) {over!r}"
    _grow(tree)
    for (
        _,
        url,
    ) in pages:  # the new rows changed the tree: caches that follow it (the organization picker) refill
        client.get(url)
    grown = {name: (first[name][1], _count(client, url)[1]) for name, url in pages}
    assert {name: counts for name, counts in grown.items() if counts[1] != counts[0]} == {}, (
        "the count grows with the rows (an N+1 query): (before, after)"
    )


def test_campaign_screens_do_not_grow_with_the_ratings(client, tree, people, clock):
    """The campaign page (ratings with their evidence) and the results page of a campaign of 3 members, then of 60
    (some disciplined): the same queries — evidence is read for the page's rows in a fixed
    number of queries, the counts from the stored tallies."""
    from dangbo.evaluation import services as evaluation
    from dangbo.evaluation.models import Campaign
    from tests.evaluation.test_services import discipline
    from tests.factories import MemberFactory

    def counts():
        clock.set(dt.date(2026, 1, 5))
        Campaign.objects.filter(authority=tree.a).delete()
        c = evaluation.open_campaign(actor=people.secretary_a, authority=tree.a, year=2025,
                                     deadline=dt.date(2026, 1, 20))  # fmt: skip
        pages = [c.get_absolute_url(), reverse("evaluation:results", args=[c.pk]),
                 c.get_absolute_url() + f"?chi_bo={tree.a1.pk}&tinh_trang=chua_de_xuat"]  # fmt: skip
        for url in pages:
            client.get(url)
        return [_count(client, url) for url in pages]

    client.force_login(people.secretary_a)
    small = counts()
    assert [status for status, _ in small] == [200, 200, 200]
    for i in range(57):
        m = MemberFactory(organization=tree.a1 if i % 2 else tree.a2, full_name=f"Phạm Văn Thêm {i:02d}")
        if i % 10 == 0:
            discipline(people, m, dt.date(2025, 5, 2))
    assert counts() == small, (
        "the campaign screens' queries grow with the ratings: (status, queries) per page"
    )


def test_the_tasks_of_the_dashboard_and_the_review_report_cost_the_same_whatever_their_number(
    client, tree, people
):
    """The tasks section (the dashboard's, the review report's) reads the tasks the organization itself assigned:
    more of them, with their assignments and reports, cost no more queries (not one per task)."""
    from dangbo.reports import selectors
    from dangbo.steering.models import Assignment, Task
    from tests.factories import TaskFactory

    def assign(n: int) -> None:
        for i in range(n):
            t = TaskFactory(organization=tree.bloc, assigned_date=dt.date(2024, 3 + i, 1),
                            deadline=dt.date(2024, 4 + i, 1))  # fmt: skip
            late = dt.timedelta(days=4 if i % 2 else -5)  # after the deadline or before it
            reported = timezone.make_aware(dt.datetime.combine(t.deadline + late, dt.time(9)))
            Assignment.objects.filter(task=t, organization=tree.b).update(reported_at=reported, attended=1,
                                                                           member_total=1)  # fmt: skip

    def section_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            section = selectors.build(people.staff, tree.bloc, dt.date(2024, 1, 1), dt.date(2024, 12, 31),
                                      keys={"tasks"})["tasks"]  # fmt: skip
        assert section.figures["nhiem_vu"] == Task.objects.filter(organization=tree.bloc).count()
        return len(queries)

    client.force_login(people.staff)
    url = reverse("reports:dashboard") + f"?organization={tree.bloc.pk}&on=31/12/2024"
    assign(2)
    assert client.get(url).status_code == 200  # caches warm
    section_queries()  # warm, like the page
    page, section = _count(client, url), section_queries()
    assign(6)
    assert _count(client, url) == page, "the dashboard's queries grow with the organization's tasks (N+1)"
    assert section_queries() == section, "the tasks section's queries grow with the number of tasks (N+1)"
    tasks = selectors.build(
        people.staff, tree.bloc, dt.date(2024, 1, 1), dt.date(2024, 12, 31), keys={"tasks"}
    )
    f = tasks["tasks"].figures
    assert (f["nhiem_vu"], f["luot_giao"], f["luot_bao_cao"]) == (8, 16, 8)
    assert sum(r["late"] for r in tasks["tasks"].rows) == 4  # every second one after its deadline
