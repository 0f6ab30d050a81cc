"""Member history: events are the source of truth; as-of figures and the movement table agree with a naive
recount and always balance, whatever the history and the restructurings (property-based)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangbo.audit.models import AuditEvent
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.members import services as member_services
from dangbo.members.counts import selectors as asof
from dangbo.members.history import rules as history
from dangbo.members.history import services as lifecycle
from dangbo.members.models import Member, MemberEvent, MemberPeriod, Transfer
from dangbo.organizations import services as org_services
from dangbo.organizations.choices import OrgKind
from dangbo.organizations.models import Organization, OrganizationLink
from dangbo.organizations.tree import services as restructure
from tests.conftest import admission_decision, decided, member_data
from tests.factories import SeatFactory, TermFactory

D = dt.date


def event(member, kind, date, **kw):
    """Record an event with a decision of a body that has the power to decide it (unless ``kw`` says otherwise)."""
    kw = {**decided(kind, date, form=kw.get("discipline_form", "")), **kw}
    return lifecycle.event_record(actor=member._actor, member=member, kind=kind, date=date, **kw)


@pytest.fixture
def admitted(tree, root_user):
    """A probationary member admitted on 10/01/2020 (ceremony 20/01/2020) in cell A1."""
    m = member_services.member_create(
        actor=root_user, since=D(2020, 1, 10), admission=admission_decision(),
        data=member_data(tree.a1, "Phan Văn Mới", status="du_bi", official_date=None, joined_date=D(2020, 1, 10),
                         birth_date=D(1995, 3, 4)),
    )  # fmt: skip
    m._actor = root_user
    return m


def refused(fn, *args, **kwargs) -> str:
    """Run a service that must refuse; check nothing was written; return the message."""
    before = (MemberEvent.objects.count(), MemberPeriod.objects.count(), AuditEvent.objects.count(),
              Transfer.objects.count())  # fmt: skip
    with pytest.raises(ApplicationError) as caught:
        fn(*args, **kwargs)
    after = (MemberEvent.objects.count(), MemberPeriod.objects.count(), AuditEvent.objects.count(),
             Transfer.objects.count())  # fmt: skip
    assert before == after, "a refused change must write nothing"
    return caught.value.message + " " + " ".join(caught.value.field_errors.values())


def test_state_follows_the_events_and_the_timeline_periods(admitted, tree):
    m = admitted
    event(m, "le_ket_nap", D(2020, 1, 20))
    event(m, "chinh_thuc", D(2021, 1, 20), decision_no="40-QĐ/ĐU")
    m.refresh_from_db()
    assert m.status == "chinh_thuc" and m.joined_date == D(2020, 1, 20) and m.official_date == D(2021, 1, 20)
    periods = list(m.periods.order_by("valid_from").values_list("status", "valid_from", "valid_to"))
    assert periods == [("du_bi", D(2020, 1, 10), D(2021, 1, 20)), ("chinh_thuc", D(2021, 1, 20), None)]
    event(m, "tu_tran", D(2023, 5, 2))
    m.refresh_from_db()
    assert m.status == "tu_tran" and m.periods.get(valid_to=D(2023, 5, 2)).end_kind == "tu_tran"
    assert (
        asof.headcount(tree.a, D(2023, 5, 1))["tong"] == 1
        and asof.headcount(tree.a, D(2023, 5, 2))["tong"] == 0
    )


@pytest.mark.parametrize(
    ("setup", "kind", "date", "needle"),
    [
        ([], "chinh_thuc", D(2021, 1, 20), None),  # fine: probationary → official
        (
            [("chinh_thuc", D(2021, 1, 20))],
            "chinh_thuc",
            D(2021, 2, 1),
            "chỉ công nhận chính thức cho đảng viên dự bị",
        ),
        ([("tu_tran", D(2020, 6, 1))], "mien", D(2020, 7, 1), "đã từ trần"),
        ([], "chinh_thuc", D(2019, 12, 1), "chưa là đảng viên"),  # before the admission
        ([], "khai_tru", D(2020, 5, 1), "dự bị chỉ có thể bị khiển trách hoặc cảnh cáo"),
        ([], "ket_nap_lai", D(2020, 5, 1), "chỉ kết nạp lại người đã bị xóa tên hoặc đã xin ra khỏi Đảng"),
        ([("xoa_ten", D(2020, 6, 1))], "chinh_thuc", D(2020, 7, 1), "chỉ công nhận chính thức"),
        ([("mien", D(2020, 6, 1))], "mien", D(2020, 7, 1), "đã được miễn"),
        ([], "het_mien", D(2020, 7, 1), "không đang được miễn"),
        ([("le_ket_nap", D(2020, 1, 20))], "le_ket_nap", D(2020, 2, 1), "đã có lễ kết nạp"),
    ],
)
def test_events_that_contradict_the_history_are_refused(admitted, setup, kind, date, needle):
    for k, d in setup:
        event(admitted, k, d)
    if needle is None:
        event(admitted, kind, date)
        return
    assert needle in refused(event, admitted, kind, date)


def test_discipline_forms_depend_on_the_kind_of_member(admitted, tree, root_user):
    # Dismissal only for someone holding a post on the date.
    assert "cách chức chỉ áp dụng với người đang giữ chức vụ" in refused(
        event, admitted, "ky_luat", D(2020, 3, 1), discipline_form="cach_chuc"
    )
    term = TermFactory(organization=tree.a1, name="2020–2025", start_date=D(2020, 2, 1))
    SeatFactory(term=term, member=admitted, position="pho_bi_thu", start_date=D(2020, 2, 1))
    # A probationary member: reprimand or warning only, even holding a post.
    assert "dự bị chỉ có thể bị khiển trách, cảnh cáo" in refused(
        event, admitted, "ky_luat", D(2020, 3, 1), discipline_form="cach_chuc"
    )
    event(admitted, "ky_luat", D(2020, 3, 1), discipline_form="canh_cao")
    event(admitted, "chinh_thuc", D(2021, 1, 20))
    event(admitted, "ky_luat", D(2021, 3, 1), discipline_form="cach_chuc")
    assert "ghi bằng sự kiện «Khai trừ»" in refused(
        event, admitted, "ky_luat", D(2021, 4, 1), discipline_form="khai_tru"
    )
    event(admitted, "khai_tru", D(2021, 4, 1))
    admitted.refresh_from_db()
    assert admitted.status == "khai_tru"
    event(admitted, "khoi_phuc", D(2022, 1, 5))
    admitted.refresh_from_db()
    assert admitted.status == "chinh_thuc" and admitted.organization == tree.a1


def test_a_backdated_event_that_breaks_later_history_is_refused(admitted):
    event(admitted, "tu_tran", D(2022, 1, 1))
    # Recording a transfer dated before the death is fine for the transfer itself, but the later death
    # still follows, so a second contradicting event is refused.
    assert "đã từ trần" in refused(event, admitted, "mien", D(2022, 3, 1))
    assert "sau ngày hôm nay" in refused(event, admitted, "mien", D(2999, 1, 1))


def test_transfer_is_a_two_sided_handover_and_the_member_is_never_lost(tree, people):
    m = people.m_a1
    transfer = lifecycle.transfer_send(actor=people.secretary_a, member=m, kind="chinh_thuc", to_organization=tree.b,
                                       sent_date=D(2024, 3, 1), letter_no="15-GGT/ĐU",
                                       dues_paid_to=D(2024, 2, 1))  # fmt: skip
    m.refresh_from_db()
    assert m.status == "dang_chuyen" and m.organization == tree.a1  # still visible to the sending side
    assert transfer.valid_until > D(2024, 4, 1)  # 30 working days
    # Counted by neither side while in transit.
    assert (
        asof.headcount(tree.a, D(2024, 3, 5))["tong"] == 2
        and asof.headcount(tree.b, D(2024, 3, 5))["tong"] == 1
    )
    # The sending secretary cannot receive; the receiving one can.
    assert "không có quyền" in refused(
        lifecycle.transfer_receive,
        actor=people.secretary_a,
        transfer=transfer,
        cell=tree.b,
        received_date=D(2024, 3, 10),
    )
    lifecycle.transfer_receive(
        actor=people.secretary_b, transfer=transfer, cell=tree.b, received_date=D(2024, 3, 10)
    )
    m.refresh_from_db()
    assert m.status == "chinh_thuc" and m.organization == tree.b and m.org_path == tree.b.path
    mv = asof.movement(tree.bloc, D(2024, 1, 1), D(2024, 12, 31))
    # In transit the member was on neither side's roll, so even inside the bloc the move shows as out and in.
    assert mv.balanced and mv.increase_total == mv.decrease_total == 1 and mv.opening == mv.closing
    mv_b = asof.movement(tree.b, D(2024, 1, 1), D(2024, 12, 31))
    assert dict((k, n) for k, _, n in mv_b.increases)["chuyen_den"] == 1 and mv_b.balanced


def test_transfer_of_a_deceased_member_and_to_the_same_cell_are_refused(tree, people):
    lifecycle.event_record(actor=people.staff, member=people.m_a2, kind="tu_tran", date=D(2024, 1, 5))
    assert "không chuyển được" in refused(
        lifecycle.transfer_send, actor=people.staff, member=people.m_a2, kind="chinh_thuc", to_organization=tree.b,
        sent_date=D(2024, 3, 1), letter_no="9-GGT/ĐU",
    )  # fmt: skip
    assert "trùng chi bộ" in refused(
        lifecycle.transfer_send, actor=people.staff, member=people.m_a1, kind="chinh_thuc", to_organization=tree.a1,
        sent_date=D(2024, 3, 1), letter_no="9-GGT/ĐU",
    )  # fmt: skip
    assert "cùng một đảng bộ cơ sở" in refused(
        lifecycle.transfer_send, actor=people.staff, member=people.m_a1, kind="noi_bo", to_organization=tree.b,
        sent_date=D(2024, 3, 1), letter_no="9-GGT/ĐU",
    )  # fmt: skip


def test_temporary_transfer_keeps_the_home_cell_and_external_transfer_leaves(tree, people):
    t = lifecycle.transfer_send(actor=people.staff, member=people.m_a1, kind="tam_thoi", to_external="Học viện Chính trị",
                                sent_date=D(2024, 3, 1), temporary_until=D(2024, 9, 1),
                                letter_no="9-GGT/ĐU", purpose="cong_tac")  # fmt: skip
    people.m_a1.refresh_from_db()
    assert people.m_a1.status == "chinh_thuc" and asof.headcount(tree.a1, D(2024, 4, 1))["tong"] == 2
    lifecycle.temporary_end(actor=people.staff, transfer=t, date=D(2024, 9, 1))
    lifecycle.transfer_send(actor=people.staff, member=people.m_a1b, kind="chinh_thuc", to_external="Đảng bộ tỉnh Hà Tĩnh",
                            sent_date=D(2024, 10, 1), letter_no="9-GGT/ĐU")  # fmt: skip
    people.m_a1b.refresh_from_db()
    assert people.m_a1b.status == "chuyen_di"
    mv = asof.movement(tree.province, D(2024, 1, 1), D(2024, 12, 31))
    assert dict((k, n) for k, _, n in mv.decreases)["chuyen_di"] == 1 and mv.balanced


def test_restructuring_keeps_the_past_and_splits_periods_like_a_replay(tree, people, root_user):
    other = org_services.organization_create(
        actor=root_user,
        parent=tree.province,
        data={"name": "Đảng bộ UBND tỉnh", "code": "UBND", "kind": OrgKind.DIRECT},
    )
    before = asof.headcount(tree.bloc, D(2025, 2, 12))["tong"]
    restructure.handover(actor=root_user, organizations=[tree.a], new_parent=other, date=D(2025, 2, 13),
                         decision_no="3254-QĐ/TU")  # fmt: skip
    tree.a.refresh_from_db()
    assert tree.a.path.startswith(other.path)
    # The past does not change; today the organization and its members are under the new committee.
    assert asof.headcount(tree.bloc, D(2025, 2, 12))["tong"] == before == 4
    assert asof.headcount(tree.bloc, D(2025, 2, 13))["tong"] == 1
    assert asof.headcount(other, D(2025, 2, 13))["tong"] == 3
    assert Organization.objects.get(pk=other.pk).member_count == 3
    mv = asof.movement(tree.bloc, D(2025, 1, 1), D(2025, 12, 31))
    assert dict((k, n) for k, _, n in mv.decreases)["sap_xep"] == 3 and mv.balanced
    # The split rows equal what a replay of the events derives.
    for m in Member.objects.filter(organization__path__startswith=tree.a.path):
        stored = sorted(tuple(p) for p in m.periods.values_list("org_path", "status", "valid_from", "valid_to",
                                                               "start_kind", "end_kind"))  # fmt: skip
        lifecycle.rebuild(m)
        rebuilt = sorted(tuple(p) for p in m.periods.values_list("org_path", "status", "valid_from", "valid_to",
                                                                "start_kind", "end_kind"))  # fmt: skip
        assert stored == rebuilt and len(stored) == 2
    # The tree on the earlier date still shows the organization under the bloc.
    on = D(2025, 2, 1)
    under_bloc = OrganizationLink.objects.filter(parent=tree.bloc, valid_to=D(2025, 2, 13)).values_list(
        "organization_id", flat=True
    )
    assert tree.a.pk in under_bloc and asof.path_on(tree.a1, on).startswith(tree.bloc.path)


# --- Property-based: random histories -------------------------------------------------------------------

START = D(2015, 1, 1)


def _naive_in(member_events, cell_paths, subtree_paths, day) -> bool:
    """Whether a member stands on a roll inside the subtree on ``day``, from the events alone."""
    upto = [e for e in member_events if e.date <= day]
    if not upto:
        return False
    state = history.replay(upto, official_date=None).state
    if not state.on_roll:
        return False
    cell_path = _at(cell_paths[state.organization_id], day)
    root = _at(subtree_paths, day)
    return bool(cell_path and root and cell_path.startswith(root))


def _at(periods, day):
    for valid_from, valid_to, path in periods:
        if (valid_from is None or valid_from <= day) and (valid_to is None or valid_to > day):
            return path
    return None


OPS = st.lists(
    st.tuples(
        st.sampled_from(["enroll", "admit", "official", "move", "send", "send_out", "receive", "die", "remove",
                         "readmit", "exempt", "unexempt", "reorg"]),
        st.integers(0, 40),  # days after the previous operation
        st.integers(0, 50),  # which member / cell
    ),
    min_size=5, max_size=28,
)  # fmt: skip


@pytest.mark.django_db(transaction=False)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])  # fmt: skip
@given(ops=OPS, probe=st.integers(0, 10_000))
def test_random_histories_balance_and_agree_with_a_naive_recount(root_user, ops, probe):
    with transaction.atomic():
        _random_history(root_user, ops, probe)
        transaction.set_rollback(True)


@dataclass
class RandomHistory:
    roots: (
        list  # province, two direct committees, a grassroots cell (moved by "reorg"), a grassroots committee
    )
    cells: list
    members: list
    end: dt.date


def random_history(root_user, ops, before_ops=None) -> RandomHistory:
    """A small tree and the history ``ops`` writes through the services (refused operations are skipped);
    ``before_ops()`` runs once the tree exists (the rollups test builds its rollups there)."""

    def org(name, code, kind, parent):
        return org_services.organization_create(actor=root_user, parent=parent,
                                                data={"name": name, "code": code, "kind": kind})  # fmt: skip

    top = org("Tỉnh", "T", OrgKind.PROVINCE, None)
    d1, d2 = org("Khối 1", "K1", OrgKind.DIRECT, top), org("Khối 2", "K2", OrgKind.DIRECT, top)
    g1 = org("Chi bộ 1", "G1", OrgKind.GRASSROOTS_CELL, d1)
    g2 = org("Đảng bộ 2", "G2", OrgKind.GRASSROOTS_COMMITTEE, d1)
    c21, c22 = (
        org("Chi bộ 21", "C21", OrgKind.SUBORDINATE_CELL, g2),
        org("Chi bộ 22", "C22", OrgKind.SUBORDINATE_CELL, g2),
    )
    g3 = org("Chi bộ 3", "G3", OrgKind.GRASSROOTS_CELL, d2)
    cells = [g1, c21, c22, g3]
    if before_ops is not None:
        before_ops()
    day = START
    members: list[Member] = []
    n = 0
    for op, gap, pick in ops:
        day += dt.timedelta(days=gap)
        cell = cells[pick % len(cells)]
        m = members[pick % len(members)] if members else None
        try:
            if op in ("enroll", "admit") or m is None:
                n += 1
                data = member_data(cell, f"Người Thứ {n}", status="du_bi", official_date=None, joined_date=day,
                                   birth_date=D(1990, 1, 1))  # fmt: skip
                data["citizen_id"] = f"{n:012d}"
                members.append(member_services.member_create(
                    actor=root_user, data=data, since=day, admission=admission_decision(f"{n}-QĐ") if op == "admit" else None,
                ))  # fmt: skip
            elif op == "official":
                lifecycle.event_record(
                    actor=root_user, member=m, kind="chinh_thuc", date=day, **decided("chinh_thuc", day)
                )
            elif op == "move":
                lifecycle.event_record(actor=root_user, member=m, kind="chuyen_noi_bo", date=day, organization=cell,
                                       **decided("chuyen_noi_bo", day))  # fmt: skip
            elif op in ("send", "send_out"):
                target = {"to_external": "Tỉnh khác"} if op == "send_out" else {"to_organization": cell}
                lifecycle.transfer_send(
                    actor=root_user,
                    member=m,
                    kind="chinh_thuc",
                    sent_date=day,
                    **target,
                    letter_no="9-GGT/ĐU",
                )
            elif op == "receive":
                t = Transfer.objects.filter(state="da_gui", to_organization__isnull=False).first()
                if t:
                    lifecycle.transfer_receive(
                        actor=root_user, transfer=t, cell=t.to_organization, received_date=day
                    )
            elif op in ("die", "remove"):
                kind = "tu_tran" if op == "die" else "xoa_ten"
                lifecycle.event_record(actor=root_user, member=m, kind=kind, date=day, **decided(kind, day))
            elif op == "readmit":
                lifecycle.event_record(actor=root_user, member=m, kind="ket_nap_lai", date=day, organization=cell,
                                       **decided("ket_nap_lai", day))  # fmt: skip
            elif op in ("exempt", "unexempt"):
                lifecycle.event_record(
                    actor=root_user, member=m, kind="mien" if op == "exempt" else "het_mien", date=day
                )
            elif op == "reorg":
                g1.refresh_from_db()
                target = d2 if g1.parent_id == d1.pk else d1
                restructure.organization_move(actor=root_user, organization=g1, new_parent=target, date=day)
        except ApplicationError:
            pass  # refused operations write nothing; the history must still hold together
    return RandomHistory([top, d1, d2, g1, g2], cells, members, day + dt.timedelta(days=5))


def _random_history(root_user, ops, probe):
    h = random_history(root_user, ops)
    (top, d1, d2, g1, g2), cells, members, end = h.roots, h.cells, h.members, h.end
    cell_paths = {c.pk: asof.path_periods(c) for c in cells}
    events = {m.pk: [lifecycle._Ev(e) for e in lifecycle.events_of(m)] for m in members}
    span = (end - START).days
    a = START + dt.timedelta(days=probe % (span + 1))
    b = a + dt.timedelta(days=(probe // 7) % 60)
    for root in (top, d1, d2, g1, g2):
        root_paths = asof.path_periods(root)

        def naive(day, root_paths=root_paths):
            return sum(_naive_in(events[m.pk], cell_paths, root_paths, day) for m in members)

        for probe_day in (a, b, end):
            assert asof.headcount(root, probe_day)["tong"] == naive(probe_day), (root.name, probe_day)
        mv = asof.movement(root, a, b)
        assert mv.balanced, (root.name, a, b)
        assert mv.opening == naive(a - dt.timedelta(days=1)) and mv.closing == naive(b)
        # Increases and decreases are the steps of the naive step function.
        ups = downs = 0
        for m in members:
            prev = _naive_in(events[m.pk], cell_paths, root_paths, a - dt.timedelta(days=1))
            d = a
            while d <= b:
                cur = _naive_in(events[m.pk], cell_paths, root_paths, d)
                ups += cur and not prev
                downs += prev and not cur
                prev, d = cur, d + dt.timedelta(days=1)
        assert (mv.increase_total, mv.decrease_total) == (ups, downs), (root.name, a, b)
    # Stored state agrees with the events.
    for m in members:
        m.refresh_from_db()
        st_ = history.replay(events[m.pk], official_date=m.official_date).state
        assert m.status == st_.status and m.organization_id == st_.organization_id


def test_transfer_out_of_the_deployment_is_not_flagged_and_its_receipt_is_recorded_by_the_sender(
    tree, people
):
    from dangbo.members.history import selectors as selectors_history

    t = lifecycle.transfer_send(actor=people.secretary_a, member=people.m_a1, kind="chinh_thuc",
                                to_external="Đảng bộ phường Bến Thủy", sent_date=D(2024, 3, 1),
                                letter_no="9-GGT/ĐU")  # fmt: skip
    assert selectors_history.transfer_flags(t, on=D(2024, 9, 1)) == []
    assert "không có quyền" in refused(lifecycle.transfer_receive, actor=people.secretary_b, transfer=t, cell=None,
                                       received_date=D(2024, 3, 20))  # fmt: skip
    lifecycle.transfer_receive(actor=people.secretary_a, transfer=t, cell=None, received_date=D(2024, 3, 20))
    t.refresh_from_db()
    assert t.state == "da_nhan" and t.received_date == D(2024, 3, 20)


def test_deleting_a_mistaken_ceremony_clears_the_date_it_set(admitted):
    ceremony = event(admitted, "le_ket_nap", D(2020, 1, 20))
    admitted.refresh_from_db()
    assert admitted.joined_date == D(2020, 1, 20)
    lifecycle.event_delete(actor=admitted._actor, event=ceremony)
    admitted.refresh_from_db()
    assert admitted.joined_date is None and admitted.status == "du_bi"


def test_a_transfer_inside_the_scope_is_alerted_once(tree, people):
    from dangbo.members.history.selectors import alerts

    lifecycle.transfer_send(actor=people.staff, member=people.m_a1, kind="chinh_thuc", to_organization=tree.b,
                            sent_date=D(2024, 1, 5), letter_no="9-GGT/ĐU")  # fmt: skip
    texts = [a.text for a in alerts(people.staff, on=D(2024, 6, 1)) if "Nguyễn Văn Hùng" in a.text]
    assert len(texts) == 1 and "chưa được tiếp nhận" in texts[0]


def test_official_recognition_only_after_the_full_probation(admitted):
    # Through the general event form too (not only the recognition screen): 12 months from the ceremony.
    event(admitted, "le_ket_nap", D(2020, 1, 20))
    msg = refused(lifecycle.event_record, actor=admitted._actor, member=admitted, kind="chinh_thuc", date=D(2020, 11, 20),
                  **decided("chinh_thuc", D(2020, 11, 20)))  # fmt: skip
    assert "chưa hết 12 tháng dự bị (hết ngày 20/01/2021)" in msg
    event(admitted, "chinh_thuc", D(2021, 1, 20))
    admitted.refresh_from_db()
    assert admitted.status == "chinh_thuc"


def test_cancelling_a_letter_puts_the_member_back_on_the_cell_roll(tree, people):
    m = people.m_a1

    def counts():
        orgs = Organization.objects.filter(pk__in=[tree.a1.pk, tree.a.pk, tree.bloc.pk, tree.b.pk])
        return {o.code: (o.official_count, o.probationary_count) for o in orgs}

    def periods():
        rows = MemberPeriod.objects.filter(member=m).order_by("valid_from")
        return list(
            rows.values_list("organization_id", "status", "valid_from", "valid_to", "start_kind", "end_kind")
        )

    counted, rolled = counts(), periods()
    transfer = lifecycle.transfer_send(actor=people.secretary_a, member=m, kind="chinh_thuc", to_organization=tree.b,
                                       sent_date=D(2024, 3, 1), letter_no="15-GGT/ĐU")  # fmt: skip
    m.refresh_from_db()
    assert (
        m.status == "dang_chuyen"
        and counts()["SYT-1"] == (counted["SYT-1"][0] - 1, 0)
        and periods() != rolled
    )
    # Only the sending side withdraws it; the receiving side cannot.
    with pytest.raises(PermissionDenied):
        lifecycle.transfer_cancel(actor=people.secretary_b, transfer=transfer)
    audits = AuditEvent.objects.count()
    lifecycle.transfer_cancel(actor=people.secretary_a, transfer=transfer)
    transfer.refresh_from_db()
    m.refresh_from_db()
    assert transfer.state == "da_huy" and not transfer.events.exists()
    assert m.status == "chinh_thuc" and m.organization == tree.a1 and m.org_path == tree.a1.path
    assert periods() == rolled and counts() == counted  # roll periods and stored counts as before the letter
    assert asof.headcount(tree.a1, D(2024, 3, 5))["tong"] == 2
    assert AuditEvent.objects.count() == audits + 1
    audit = AuditEvent.objects.order_by("-id").first()
    assert audit.object_id == str(m.pk) and "Hủy giấy giới thiệu" in str(audit.changes)
    # A letter already received, or already cancelled, cannot be cancelled.
    assert "đã hủy" in refused(lifecycle.transfer_cancel, actor=people.secretary_a, transfer=transfer)


def test_the_grassroots_organization_of_a_cell_decides_internal_transfers(tree, people):
    assert tree.a1.grassroots() == tree.a and tree.a.grassroots() == tree.a and tree.b.grassroots() == tree.b
    assert tree.bloc.grassroots() is None and tree.province.grassroots() is None
    assert "cùng một đảng bộ cơ sở" in refused(
        lifecycle.transfer_send, actor=people.staff, member=people.m_a1, kind="noi_bo", to_organization=tree.b,
        sent_date=D(2024, 3, 1), letter_no="9-GGT/ĐU",
    )  # fmt: skip
    lifecycle.transfer_send(actor=people.staff, member=people.m_a1, kind="noi_bo", to_organization=tree.a2,
                            sent_date=D(2024, 3, 1), letter_no="9-GGT/ĐU")  # fmt: skip
    people.m_a1.refresh_from_db()
    assert people.m_a1.organization == tree.a2


# --- Decisions: number, date, issuing body of a level that has the power --------------------------------

DECISION_FIELDS = {"decision_no": "Số quyết định", "decision_date": "Ngày quyết định",
                   "decision_level": "Cấp ra quyết định", "decision_issuer": "Cơ quan ra quyết định"}  # fmt: skip


@pytest.mark.parametrize("field", list(DECISION_FIELDS))
@pytest.mark.parametrize(
    ("kind", "extra"),
    [("khai_tru", {}), ("xoa_ten", {}), ("ra_khoi_dang", {}), ("ky_luat", {"discipline_form": "khien_trach"}),
     ("chuyen_noi_bo", {"organization": "a2"})],
)  # fmt: skip
def test_an_event_that_needs_a_decision_is_refused_without_each_part_of_it(tree, people, kind, extra, field):
    day = D(2024, 4, 1)
    extra = {k: getattr(tree, v) if k == "organization" else v for k, v in extra.items()}
    data = {**decided(kind, day, form=extra.get("discipline_form", "")), **extra, field: None if field ==
            "decision_date" else ""}  # fmt: skip
    message = refused(
        lifecycle.event_record, actor=people.staff, member=people.m_a1, kind=kind, date=day, **data
    )
    assert f"{DECISION_FIELDS[field]}: không được để trống." in message
    people.m_a1.refresh_from_db()
    assert people.m_a1.status == "chinh_thuc" and people.m_a1.organization == tree.a1


def test_a_cell_reprimands_and_warns_but_expulsion_needs_a_committee_above_the_grassroots(
    tree, people, settings
):
    m, day = people.m_a1, D(2024, 4, 1)
    by_cell = {"decision_no": "3-QĐ/CB", "decision_date": day, "decision_level": "chi_bo",
               "decision_issuer": "Chi bộ Văn phòng"}  # fmt: skip
    for form in ("khien_trach", "canh_cao"):
        e = lifecycle.event_record(actor=people.cell_secretary, member=m, kind="ky_luat", date=day,
                                   discipline_form=form, **by_cell)  # fmt: skip
        assert e.warnings == () and e.decision_level == "chi_bo"
    msg = refused(
        lifecycle.event_record, actor=people.cell_secretary, member=m, kind="khai_tru", date=day, **by_cell
    )
    assert "Cấp ra quyết định: chi bộ không có thẩm quyền «khai trừ»" in msg
    assert "cấp ủy cấp trên trực tiếp của tổ chức cơ sở đảng" in msg
    grassroots = {**by_cell, "decision_level": "co_so", "decision_issuer": "Đảng ủy Sở Y tế"}
    assert "tổ chức cơ sở đảng không có thẩm quyền «khai trừ»" in refused(
        lifecycle.event_record, actor=people.staff, member=m, kind="khai_tru", date=day, **grassroots
    )
    m.refresh_from_db()
    assert m.status == "chinh_thuc"
    # A grassroots committee authorised to admit: the sources leave it open (the Charter's exceptions), so it is
    # recorded with a warning — or refused when the operator asks for the strict reading.
    authorised = {**grassroots, "decision_level": "co_so_uy_quyen"}
    settings.DANGBO_DECISION_AUTHORITY_STRICT = True
    assert "không có thẩm quyền «khai trừ»" in refused(
        lifecycle.event_record, actor=people.staff, member=m, kind="khai_tru", date=day, **authorised
    )
    settings.DANGBO_DECISION_AUTHORITY_STRICT = False
    e = lifecycle.event_record(actor=people.staff, member=m, kind="khai_tru", date=day, **authorised)
    assert len(e.warnings) == 1 and "chưa chắc" in e.warnings[0]
    m.refresh_from_db()
    assert m.status == "khai_tru"
    audit = AuditEvent.objects.order_by("-id").first()
    assert "chưa chắc" in str(audit.changes)  # the doubt stays on record


def test_who_may_dismiss_depends_on_the_post_held(tree, people):
    m, day = people.m_a1, D(2024, 5, 2)
    cell_term = TermFactory(organization=tree.a1, name="2022–2025", start_date=D(2022, 1, 1))
    seat = SeatFactory(term=cell_term, member=m, position="bi_thu", start_date=D(2022, 1, 1))

    def dismiss(level, issuer="Cơ quan"):
        return lifecycle.event_record(
            actor=people.staff, member=m, kind="ky_luat", date=day, discipline_form="cach_chuc", decision_no="4-QĐ",
            decision_date=day, decision_level=level, decision_issuer=issuer,
        )  # fmt: skip

    # The secretary of a subordinate cell: the grassroots committee may dismiss (with a warning: not confirmed).
    assert "chi bộ không có thẩm quyền «kỷ luật cách chức»" in refused(dismiss, "chi_bo")
    assert dismiss("co_so", "Đảng ủy Sở Y tế").warnings
    # A member of the grassroots committee itself: only the committees above.
    seat.delete()
    grassroots_term = TermFactory(organization=tree.a, name="2020–2025", start_date=D(2020, 1, 1))
    SeatFactory(term=grassroots_term, member=m, position="uy_vien_bch", start_date=D(2020, 1, 1))
    assert "tổ chức cơ sở đảng không có thẩm quyền «kỷ luật cách chức»" in refused(dismiss, "co_so")
    assert dismiss("cap_tren_co_so", "Ban Thường vụ Đảng ủy Khối").warnings == ()


def test_discipline_forms_by_standing_are_dated_rules(admitted, monkeypatch):
    """Replay reads the forms from the rule set of the event's date: a (hypothetical) set from 01/06/2020 that
    leaves only the reprimand to probationary members refuses a warning after that day, not before."""
    import dataclasses

    from dangbo.members import rules

    narrower = dataclasses.replace(
        rules.DECISION_RULE_SETS[0], source="Quy định giả định", valid_from=D(2020, 6, 1),
        discipline_forms=(("du_bi", ("khien_trach",)), ("chinh_thuc", ("khien_trach", "canh_cao", "cach_chuc",
                                                                       "khai_tru"))),
    )  # fmt: skip
    monkeypatch.setattr(rules, "DECISION_RULE_SETS", [rules.DECISION_RULE_SETS[0], narrower])
    event(admitted, "ky_luat", D(2020, 3, 1), discipline_form="canh_cao")
    assert "dự bị chỉ có thể bị khiển trách." in refused(event, admitted, "ky_luat", D(2020, 7, 1),
                                                         discipline_form="canh_cao")  # fmt: skip
    assert rules.decision_rules_on(D(2020, 7, 1)).source == "Quy định giả định"


# --- Transfers: letters, temporary lengths, abroad ------------------------------------------------------


def test_a_transfer_letter_carries_its_number_and_a_body_that_may_issue_it(tree, people):
    m = people.m_a1
    msg = refused(lifecycle.transfer_send, actor=people.staff, member=m, kind="chinh_thuc", to_organization=tree.b,
                  sent_date=D(2024, 3, 1))  # fmt: skip
    assert "Số giấy giới thiệu: không được để trống." in msg
    msg = refused(lifecycle.transfer_send, actor=people.staff, member=m, kind="chinh_thuc", to_organization=tree.b,
                  sent_date=D(2024, 3, 1), letter_no="3-GGT/CB", issuer_level="chi_bo", issuer="Chi bộ Văn phòng")  # fmt: skip
    assert "Cấp giới thiệu: chi bộ không có thẩm quyền «chuyển sinh hoạt đảng chính thức»" in msg
    m.refresh_from_db()
    assert m.status == "chinh_thuc"
    # By default the member's grassroots organization issues it; its "chuyển đi" event carries the letter.
    t = lifecycle.transfer_send(actor=people.staff, member=m, kind="chinh_thuc", to_organization=tree.b,
                                sent_date=D(2024, 3, 1), letter_no="15-GGT/ĐU")  # fmt: skip
    assert (t.issuer_level, t.issuer) == ("co_so", "Đảng ủy Sở Y tế")
    e = t.events.get()
    assert (e.decision_no, e.decision_date, e.decision_level, e.decision_issuer) == (
        "15-GGT/ĐU",
        D(2024, 3, 1),
        "co_so",
        "Đảng ủy Sở Y tế",
    )


TEMPORARY_START = D(2024, 3, 1)


def _temporary(people, purpose, until, start=TEMPORARY_START):
    return lifecycle.transfer_send(actor=people.staff, member=people.m_a1, kind="tam_thoi", to_external="Học viện",
                                   sent_date=start, temporary_until=until, purpose=purpose, letter_no="7-GGT/ĐU")  # fmt: skip


def test_temporary_transfer_lengths_by_purpose(tree, people):
    start = D(2024, 3, 1)
    for days, purpose in ((5, "cong_tac"), (5 * 365, "cong_tac"), (5, "hoc_tap"), (5 * 365, "hoc_tap")):
        msg = refused(_temporary, people, purpose, start + dt.timedelta(days=days))
        assert "Sinh hoạt tạm thời đến ngày:" in msg and "kể từ ngày 01/03/2024" in msg
    assert "dưới 1 năm" in refused(_temporary, people, "cong_tac", D(2025, 3, 1))
    assert "Trường hợp chuyển tạm thời: chưa chọn" in refused(_temporary, people, "", D(2024, 9, 1))
    # Study may last to the day two years later; a change of work or residence stops short of one year.
    assert _temporary(people, "hoc_tap", D(2026, 3, 1)).purpose == "hoc_tap"


@pytest.mark.django_db(transaction=False)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days=st.integers(60, 800), purpose=st.sampled_from(["cong_tac", "hoc_tap"]),
       start=st.dates(D(2016, 1, 1), D(2024, 12, 31)))  # fmt: skip
def test_temporary_lengths_around_the_bounds(tree, people, days, purpose, start):
    until = start + dt.timedelta(days=days)
    months_3 = asof_months(start, 3)
    ok = until >= months_3 and (
        until < asof_months(start, 12) if purpose == "cong_tac" else until <= asof_months(start, 24)
    )
    with transaction.atomic():
        try:
            t = _temporary(people, purpose, until, start)
            assert ok and t.temporary_until == until
        except ApplicationError as e:
            assert not ok and "temporary_until" in e.field_errors
        transaction.set_rollback(True)


def asof_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar months, 31/01 + 1 month → the last day of February (the same day of a later month,
    or the month's last day): written out here so the test does not borrow the rule's own arithmetic."""
    import calendar

    y, mo = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, mo + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def test_a_transfer_abroad_goes_to_a_body_outside_the_country_and_leaves_the_rolls(tree, people):
    m = people.m_a1
    msg = refused(lifecycle.transfer_send, actor=people.staff, member=m, kind="ngoai_nuoc", to_organization=tree.b,
                  sent_date=D(2024, 3, 1), letter_no="8-GGT/ĐU")  # fmt: skip
    assert "Nơi đến ngoài hệ thống: chuyển ra ngoài nước phải ghi" in msg
    assert "Nơi đến ngoài hệ thống" in refused(lifecycle.transfer_send, actor=people.staff, member=m,
                                               kind="ngoai_nuoc", sent_date=D(2024, 3, 1), letter_no="8-GGT/ĐU")  # fmt: skip
    t = lifecycle.transfer_send(actor=people.staff, member=m, kind="ngoai_nuoc", sent_date=D(2024, 3, 1),
                                to_external="Chi bộ Đại sứ quán Việt Nam tại Nhật Bản", letter_no="8-GGT/ĐU",
                                reason="Đi công tác nước ngoài 3 năm")  # fmt: skip
    m.refresh_from_db()
    assert m.status == "chuyen_di" and t.get_kind_display() == "Chuyển sinh hoạt đảng ra ngoài nước"
    assert asof.headcount(tree.a1, D(2024, 3, 5))["tong"] == 1
    mv = asof.movement(tree.province, D(2024, 1, 1), D(2024, 12, 31))
    assert dict((k, n) for k, _, n in mv.decreases)["chuyen_di"] == 1 and mv.balanced
    # The sending side records the receiving side's slip, as for any letter out of the deployment.
    lifecycle.transfer_receive(actor=people.staff, transfer=t, cell=None, received_date=D(2024, 4, 1))
    t.refresh_from_db()
    assert t.state == "da_nhan"


def test_official_recognition_on_the_day_the_record_made_the_member_probationary_is_refused(root_user):
    # Found by the random histories: accepted, it set the member's official date to the entry day, and the next
    # replay read the entry itself as official — the member's history could no longer be replayed.
    top = org_services.organization_create(actor=root_user, parent=None,
                                           data={"name": "Tỉnh", "code": "T", "kind": OrgKind.PROVINCE})  # fmt: skip
    direct = org_services.organization_create(actor=root_user, parent=top,
                                              data={"name": "Khối 1", "code": "K1", "kind": OrgKind.DIRECT})  # fmt: skip
    cell = org_services.organization_create(actor=root_user, parent=direct,
                                            data={"name": "Chi bộ 1", "code": "C1", "kind": OrgKind.GRASSROOTS_CELL})  # fmt: skip
    day = START
    data = member_data(cell, "Người Dự Bị", status="du_bi", official_date=None, joined_date=day,
                       birth_date=D(1990, 1, 1))  # fmt: skip
    m = member_services.member_create(actor=root_user, data=data, since=day)
    with pytest.raises(ApplicationError) as refused_:
        lifecycle.event_record(
            actor=root_user, member=m, kind="chinh_thuc", date=day, **decided("chinh_thuc", day)
        )
    assert "phải sau ngày bắt đầu dự bị ghi trong hồ sơ (01/01/2015)" in str(refused_.value)
    m.refresh_from_db()
    assert m.status == "du_bi" and m.official_date is None
    later = day + dt.timedelta(days=1)
    lifecycle.event_record(
        actor=root_user, member=m, kind="chinh_thuc", date=later, **decided("chinh_thuc", later)
    )
    m.refresh_from_db()
    replayed = history.replay(
        [lifecycle._Ev(e) for e in lifecycle.events_of(m)], official_date=m.official_date
    )
    assert m.status == replayed.state.status == "chinh_thuc" and m.official_date == later
