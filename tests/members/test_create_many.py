"""``services.member_create_many``, the bulk path of the member import: every rule of ``member_create`` row by row,
written in bulk only when every row passes, with the same result as creating the records one by one — events,
roll periods, stored counts, report rollups — and one audit event per record naming the import as its source."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from dangbo.audit.models import Action, AuditEvent
from dangbo.core.errors import ApplicationError
from dangbo.core.middleware import changes_from
from dangbo.members import services
from dangbo.members.counts import services as counts
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from dangbo.reports.rollups import services as rollup_services

pytestmark = pytest.mark.django_db
D = dt.date


def _data(name, cccd, cell, **over):
    data = {"full_name": name, "gender": "nu", "birth_date": D(1985, 4, 2), "citizen_id": cccd,
            "organization": cell, "status": "chinh_thuc", "joined_date": D(2010, 5, 19),
            "official_date": D(2011, 5, 19)}  # fmt: skip
    data.update(over)
    return data


def _rows(tree):
    return [
        (_data("Phạm Thị Mai", "040185000801", tree.a1), D(2010, 1, 1)),  # official during the stretch
        (_data("Hoàng Văn Nam", "040185000802", tree.a1, gender="nam"), D(2020, 1, 1)),
        (_data("Đỗ Thị Thu", "040185000803", tree.a2, status="du_bi", official_date=None), D(2024, 2, 1)),
    ]


def _state(cccds):
    out = {}
    for m in Member.objects.filter(citizen_id__in=cccds).order_by("citizen_id"):
        out[m.citizen_id] = (
            m.status, m.organization_id, m.org_path, m.exempted, m.official_date, m.name_norm, m.name_sort,
            sorted(m.events.values_list("kind", "date", "organization_id")),
            sorted(m.periods.values_list("organization_id", "status", "valid_from", "valid_to", "start_kind")),
        )  # fmt: skip
    return out


def test_the_same_result_as_one_by_one_counts_and_rollups_included(tree, people, root_user, clock):
    clock.set(D(2024, 7, 10))
    rollup_services.rebuild()
    cccds = [d["citizen_id"] for d, _ in _rows(tree)]
    with transaction.atomic():
        for data, since in _rows(tree):
            services.member_create(actor=root_user, data=data, since=since)
        one_by_one = _state(cccds)
        tallies = Organization.objects.order_by("pk").values_list("official_count", "probationary_count")
        one_by_one_counts = list(tallies)
        transaction.set_rollback(True)
    audited = AuditEvent.objects.count()
    with changes_from("Nhập từ tệp ds.xlsx"):
        made = services.member_create_many(actor=root_user, rows=_rows(tree))
    assert all(isinstance(m, Member) and m.pk for m in made)
    assert _state(cccds) == one_by_one
    assert list(tallies.all()) == one_by_one_counts
    counts.recount()  # the stored counts equal a full recount
    assert list(tallies.all()) == one_by_one_counts
    assert rollup_services.check() == []  # the report rollups were kept current
    events = AuditEvent.objects.filter(action=Action.CREATE, content_type__model="member",
                                        object_id__in=[str(m.pk) for m in made])  # fmt: skip
    assert AuditEvent.objects.count() == audited + 3 and events.count() == 3
    assert {e.changes["source"]["after"] for e in events} == {"Nhập từ tệp ds.xlsx"}
    assert {e.scope_path for e in events} == {m.org_path for m in made}


def test_every_rule_row_by_row_and_nothing_written_when_one_row_is_refused(tree, people, clock):
    clock.set(D(2024, 7, 10))
    before, audited = Member.objects.count(), AuditEvent.objects.count()
    rows = [
        *_rows(tree),
        (_data("Trùng Số", "040185000801", tree.a1), None),  # the same number as row 1
        (_data("Đã Có", people.m_b.citizen_id, tree.a1), None),  # a record elsewhere (outside the scope)
        (_data("Ngoài Phạm Vi", "040185000806", tree.b), None),  # a cell the actor may not place members in
        (_data("Sau Hôm Nay", "040185000807", tree.a1), D(2024, 8, 1)),
        (_data("Chưa Đủ Tuổi", "040185000808", tree.a1, birth_date=D(1995, 1, 1), joined_date=D(2010, 5, 19)), None),
    ]  # fmt: skip
    out = services.member_create_many(actor=people.secretary_a, rows=rows)
    assert [type(o).__name__ for o in out[:3]] == ["Member"] * 3 and all(o.pk is None for o in out[:3])
    problems = [o.field_errors for o in out[3:]]
    assert all(isinstance(o, ApplicationError) for o in out[3:])
    assert (
        "đã có trong hồ sơ" in problems[0]["citizen_id"] and "đã có trong hồ sơ" in problems[1]["citizen_id"]
    )
    assert "không có quyền" in problems[2]["organization"]
    assert "không sau hôm nay" in problems[3]["since"]
    assert "chưa đủ" in problems[4]["joined_date"]
    assert Member.objects.count() == before and AuditEvent.objects.count() == audited


def test_the_counts_of_a_batch_write_each_organization_once(tree):
    """An import's batch adjusts the stored counts of thousands of cells: each organization's row is written once
    with its summed change, not the province's row once per cell (``counts.adjust_many``) — the same counts as
    adjusting cell by cell."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    changes = [(tree.a1.path, "chinh_thuc", 2), (tree.a2.path, "chinh_thuc", 2), (tree.b.path, "chinh_thuc", 2),
               (tree.a1.path, "du_bi", 1), (tree.b.path, "du_bi", 1), (tree.a2.path, "da_mat", 1)]  # fmt: skip
    tallies = Organization.objects.order_by("pk").values_list("pk", "official_count", "probationary_count")
    with transaction.atomic():
        for path, status, n in changes:
            counts.adjust(path, status, n)
        one_by_one = list(tallies.all())
        transaction.set_rollback(True)
    with CaptureQueriesContext(connection) as queries:
        counts.adjust_many(changes)
    assert list(tallies.all()) == one_by_one
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    # a1 and b: +2 official +1 probationary; a2: +2 official; a: +4 +1; bloc and province: +6 +2 — four sets
    assert len(updates) == 4, updates
