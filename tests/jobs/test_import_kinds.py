"""Every import kind (core.imports) the same way: the template round trip through the pages (download, fill, dry
run, commit), nothing written by a dry run or by a file with one bad row, nothing changed by importing it again,
every imported row audited with the import as its source, and nothing imported outside the importer's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEvent
from dangbo.core import imports
from dangbo.core.registries import IMPORT_KINDS
from dangbo.dues.models import DuesBasis
from dangbo.evaluation.models import Rating
from dangbo.members.models import MemberEvent
from dangbo.organizations.models import CommitteeSeat, Organization
from tests.sheets import filled

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    actor: str  # the persona importing
    count: Any  # () → how many rows of the kind there are
    rows: Any  # (tree, people) → the good rows ({header: value})
    bad: Any  # (tree, people) → one row the rules refuse
    problem: str  # in the bad row's error
    outside: Any  # (tree, people) → rows naming things outside secretary_b's scope
    fixtures: tuple[str, ...] = ()


def _cccd(member) -> str:
    return member.citizen_id


def _discipline(member, day=dt.date(2024, 3, 1)):
    return {"Số CCCD": _cccd(member), "Sự kiện": "Kỷ luật", "Ngày có hiệu lực": day, "Số quyết định": "3-QĐ/CB",
            "Ngày quyết định": day, "Cấp ra quyết định": "Chi bộ", "Cơ quan ra quyết định": "Chi bộ Văn phòng",
            "Hình thức kỷ luật": "Khiển trách"}  # fmt: skip


CASES = {
    "to_chuc": Case(
        actor="staff",
        count=lambda: Organization.objects.count(),
        rows=lambda t, p: [
            {
                "Mã tổ chức": "SGD",
                "Mã tổ chức cấp trên": "KCQ",
                "Loại tổ chức": "Đảng bộ cơ sở",
                "Tên tổ chức": "Đảng bộ Sở Giáo dục",
                "Ngày thành lập": dt.date(2010, 1, 4),
            },
            {
                "Mã tổ chức": "SGD-1",
                "Mã tổ chức cấp trên": "SGD",
                "Loại tổ chức": "chi bo truc thuoc",
                "Tên tổ chức": "Chi bộ Văn phòng Sở Giáo dục",
            },
        ],
        bad=lambda t, p: {
            "Mã tổ chức": "SGD-9",
            "Mã tổ chức cấp trên": "KCQ",
            "Loại tổ chức": "Chi bộ trực thuộc",
            "Tên tổ chức": "Chi bộ sai chỗ",
        },
        problem="chỉ được đặt dưới",
        outside=lambda t, p: [
            {
                "Mã tổ chức": "SYT-9",
                "Mã tổ chức cấp trên": "SYT",
                "Loại tổ chức": "Chi bộ trực thuộc",
                "Tên tổ chức": "Chi bộ Dược",
            }
        ],
    ),  # fmt: skip
    "su_kien_dang_vien": Case(
        actor="secretary_a",
        count=lambda: MemberEvent.objects.count(),
        rows=lambda t, p: [_discipline(p.m_a1), _discipline(p.m_a2)],
        bad=lambda t, p: {
            "Số CCCD": _cccd(p.m_a1b),
            "Sự kiện": "Công nhận đảng viên chính thức",
            "Ngày có hiệu lực": dt.date(2024, 3, 1),
            "Số quyết định": "5-QĐ/ĐU",
            "Ngày quyết định": dt.date(2024, 3, 1),
            "Cấp ra quyết định": "cap_tren_co_so",
            "Cơ quan ra quyết định": "Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh",
        },
        problem="dự bị",
        outside=lambda t, p: [_discipline(p.m_a1)],
    ),  # fmt: skip
    "cap_uy": Case(
        actor="secretary_a",
        count=lambda: CommitteeSeat.objects.count(),
        fixtures=("seat",),
        rows=lambda t, p: [
            {
                "Mã tổ chức": "SYT",
                "Nhiệm kỳ": "2020–2025",
                "Số CCCD": _cccd(p.m_a2),
                "Chức vụ": "Phó Bí thư",
                "Từ ngày": dt.date(2020, 8, 1),
            },
            {
                "Mã tổ chức": "SYT",
                "Nhiệm kỳ": "2020–2025",
                "Số CCCD": _cccd(p.m_a1b),
                "Chức vụ": "uy vien ban chap hanh",
            },
        ],
        bad=lambda t, p: {
            "Mã tổ chức": "SYT",
            "Nhiệm kỳ": "2099–2104",
            "Số CCCD": _cccd(p.m_a2),
            "Chức vụ": "Bí thư",
        },
        problem="chưa có nhiệm kỳ",
        outside=lambda t, p: [
            {"Mã tổ chức": "SYT", "Nhiệm kỳ": "2020–2025", "Số CCCD": _cccd(p.m_a2), "Chức vụ": "Bí thư"}
        ],
    ),  # fmt: skip
    "can_cu_dang_phi": Case(
        actor="secretary_a",
        count=lambda: DuesBasis.objects.count(),
        rows=lambda t, p: [
            {
                "Số CCCD": _cccd(p.m_a1),
                "Từ tháng": dt.date(2025, 1, 1),
                "Đối tượng": "luong_bhxh",
                "Căn cứ tính (đồng/tháng)": 8500000,
            },
            {
                "Số CCCD": _cccd(p.m_a2),
                "Từ tháng": "01/2025",
                "Đối tượng": "Hưởng lương hưu (0,5% lương hưu)",
                "Căn cứ tính (đồng/tháng)": "6.200.000",
            },
        ],
        bad=lambda t, p: {
            "Số CCCD": _cccd(p.m_a1b),
            "Từ tháng": dt.date(2025, 1, 1),
            "Đối tượng": "luong_bhxh",
            "Căn cứ tính (đồng/tháng)": 0,
        },
        problem="tiền lương",
        outside=lambda t, p: [
            {
                "Số CCCD": _cccd(p.m_a1),
                "Từ tháng": dt.date(2025, 1, 1),
                "Đối tượng": "luong_bhxh",
                "Căn cứ tính (đồng/tháng)": 8500000,
            }
        ],
    ),  # fmt: skip
    "ket_qua_danh_gia": Case(
        actor="secretary_a",
        count=lambda: Rating.objects.exclude(proposed_level="").count(),
        fixtures=("history_of_a",),
        rows=lambda t, p: [
            {
                "Mã cấp quyết định xếp loại": "SYT",
                "Năm": 2023,
                "Số CCCD": _cccd(p.m_a1),
                "Mức xếp loại": "Hoàn thành tốt nhiệm vụ",
                "Nhận xét": "Gương mẫu",
            },
            {
                "Mã cấp quyết định xếp loại": "SYT",
                "Năm": "2023",
                "Số CCCD": _cccd(p.m_a2),
                "Mức xếp loại": "htnv",
            },
        ],
        bad=lambda t, p: {
            "Mã cấp quyết định xếp loại": "SYT",
            "Năm": 2019,
            "Số CCCD": _cccd(p.m_a2),
            "Mức xếp loại": "htnv",
        },
        problem="không có đợt đánh giá",
        outside=lambda t, p: [
            {
                "Mã cấp quyết định xếp loại": "SYT",
                "Năm": 2023,
                "Số CCCD": _cccd(p.m_a1),
                "Mức xếp loại": "htnv",
            }
        ],
    ),  # fmt: skip
}


@pytest.fixture(params=sorted(CASES))
def case(request, tree, people):
    for name in CASES[request.param].fixtures:
        request.getfixturevalue(name)
    return request.param, CASES[request.param]


def _template(client, key) -> bytes:
    response = client.get(reverse("jobs:import_template", args=[key]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    return response.content


def _sourced() -> int:
    return sum(
        "source" in e.changes and "Nhập từ tệp" in e.changes["source"]["after"]
        for e in AuditEvent.objects.all()
    )


def test_template_round_trip_dry_run_commit_and_again(client, case, tree, people):
    key, c = case
    client.force_login(getattr(people, c.actor))
    template = _template(client, key)
    rows = c.rows(tree, people)
    url = reverse("jobs:import", args=[key])
    before, audited = c.count(), AuditEvent.objects.count()
    dry = client.post(url, {"action": "check", "file": filled(template, rows)})
    assert dry.status_code == 200, dry.content.decode()[:2000]
    result = dry.context["result"]
    assert result.ok and result.created == len(rows), result.errors
    assert c.count() == before and AuditEvent.objects.count() == audited  # a dry run writes nothing
    done = client.post(url, {"action": "commit", "file": filled(template, rows)})
    assert done.status_code == 302, done.context["result"].errors if done.context else done
    assert c.count() == before + len(rows)
    assert _sourced() >= len(rows)  # every row's audit event names the import as its source
    after, audited = c.count(), AuditEvent.objects.count()
    again = client.post(url, {"action": "commit", "file": filled(template, rows)})
    assert again.status_code == 302
    assert c.count() == after and AuditEvent.objects.count() == audited  # importing it again changes nothing


def test_one_bad_row_rejects_the_whole_file(client, case, tree, people):
    key, c = case
    client.force_login(getattr(people, c.actor))
    rows = [*c.rows(tree, people), c.bad(tree, people)]
    before, audited = c.count(), AuditEvent.objects.count()
    page = client.post(
        reverse("jobs:import", args=[key]), {"action": "commit", "file": filled(_template(client, key), rows)}
    )
    assert page.status_code == 200
    errors = page.context["result"].errors
    assert [n for n, _, _ in errors] == [len(rows) + 1] and c.problem in errors[0][2], (
        errors
    )  # row 1: headers
    assert c.count() == before and AuditEvent.objects.count() == audited


def test_nothing_is_imported_outside_the_scope(client, case, tree, people):
    key, c = case
    kind = IMPORT_KINDS.get(key)
    outsider = people.secretary_b
    client.force_login(outsider)
    assert client.get(reverse("jobs:import", args=[key])).status_code in (200, 404)
    client.force_login(people.member_user)
    assert client.get(reverse("jobs:import", args=[key])).status_code == 404
    assert client.get(reverse("jobs:import_template", args=[key])).status_code == 404
    before = c.count()
    sheet = imports.read_upload(kind, filled(imports.template_xlsx(kind), c.outside(tree, people)))
    result = imports.run(kind, actor=outsider, sheet=sheet, commit=True)
    assert not result.committed and result.errors and c.count() == before
    assert all(people.m_a1.citizen_id not in problem for _, _, problem in result.errors)


def test_a_row_twice_in_the_file_is_an_error(case, tree, people):
    key, c = case
    kind = IMPORT_KINDS.get(key)
    rows = c.rows(tree, people)
    sheet = imports.read_upload(kind, filled(imports.template_xlsx(kind), [rows[0], rows[0]]))
    result = imports.run(kind, actor=getattr(people, c.actor), sheet=sheet, commit=True)
    assert [(n, p) for n, _, p in result.errors] == [(3, "trùng với dòng 2.")]


def test_every_kind_has_a_job_and_a_template_with_notes():
    from dangbo.jobs import registry

    for kind in IMPORT_KINDS:
        assert registry.get(kind.job_key) is not None
        text = imports.template_xlsx(kind)
        assert text[:2] == b"PK"
