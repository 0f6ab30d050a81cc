"""«Việc của tôi»: what needs the user's action grouped by kind and organization, each item once, the whole list
behind filters and pages; the reminders are kept until a fact changes (or the day does)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangbo.core.registries import ALERT_SOURCES
from dangbo.members.history import services as lifecycle
from dangbo.members.history.selectors import Alert, alerts
from dangbo.workspace import selectors
from tests.members.test_alerts import admit
from tests.steering.test_tasks import _task

D = dt.date
ON = D(2024, 6, 3)


def test_the_home_page_groups_by_kind_and_organization_with_counts_and_links(
    client, clock, tree, root_user, people
):
    clock.set(ON)
    admit(root_user, tree.a1, "Lê Văn Chậm", D(2024, 3, 1))  # ceremony overdue
    admit(root_user, tree.a2, "Lê Văn Mới", D(2024, 5, 27))  # ceremony coming
    client.force_login(people.secretary_a)
    page = client.get(reverse("workspace:home")).content.decode()
    assert "<h1>Việc của tôi</h1>" in page
    assert "Cần bạn xử lý" in page and "2 việc, 1 quá hạn" in page
    assert "Kết nạp, dự bị" in page and "1 quá hạn" in page
    # a cell is named with its committee: many committees have a «Chi bộ Văn phòng»
    assert "Chi bộ Văn phòng — Đảng bộ Sở Y tế" in page and "Chi bộ Khoa Nội — Đảng bộ Sở Y tế" in page
    kind = selectors.kind_slug("Kết nạp, dự bị")
    assert f"{reverse('workspace:work')}?loai={kind}" in page


def test_each_item_once_even_when_two_sources_raise_it(clock, tree, people):
    clock.set(ON)
    twice = Alert("warn", "Chi bộ Văn phòng: quá hạn báo cáo «Học tập»", "/x/", ON, org="Chi bộ Văn phòng")
    ALERT_SOURCES.register("tests.one", lambda actor, on: [twice])
    ALERT_SOURCES.register("tests.two", lambda actor, on: [twice])
    try:
        found = [a for a in alerts(people.staff, on=ON, limit=None) if a.url == "/x/"]
    finally:
        ALERT_SOURCES._entries.pop("tests.one")
        ALERT_SOURCES._entries.pop("tests.two")
    assert len(found) == 1
    assert found[0].kind == "Việc khác"  # a source outside an app: its kind says so


def test_groups_put_overdue_first_then_the_newest_deadline():
    items = [
        Alert("info", "b", "/b", D(2024, 7, 1), "K", "O1"),
        Alert("info", "c", "/c", D(2024, 8, 1), "K", "O1"),
        Alert("warn", "a", "/a", D(2024, 5, 1), "K", "O1"),
        Alert("info", "d", "/d", None, "K", "O2"),
        Alert("warn", "e", "/e", D(2024, 1, 1), "L", "O3"),
    ]
    groups = selectors.grouped(items)
    assert [g.kind for g in groups] == ["K", "L"]  # as many overdue: the kind with more items first
    assert [a.text for a in groups[0].orgs[0].items] == ["a", "c", "b"]
    assert groups[0].count == 4 and groups[0].warn == 1


def test_the_full_list_filters_and_pages_without_a_silent_cut(client, clock, people, monkeypatch):
    clock.set(ON)
    many = [Alert("info", f"Việc số {i:03d}", f"/v/{i}", ON + dt.timedelta(days=i), "Loại thử", "Chi bộ Thử")
            for i in range(120)]  # fmt: skip
    monkeypatch.setattr(selectors, "alerts", lambda actor, on, limit: many)
    client.force_login(people.staff)
    home = client.get(reverse("workspace:home")).content.decode()
    assert "Xem tất cả 120 việc «Loại thử»" in home and "và 118 việc khác của Chi bộ Thử" in home
    url = reverse("workspace:work")
    kind = selectors.kind_slug("Loại thử")
    first = client.get(url, {"loai": kind}).content.decode()
    assert "1–50 trong 120 việc" in first and "Trang 1/3" in first
    assert "Việc số 119" in first and "Việc số 069" not in first  # newest deadline first
    last = client.get(url, {"loai": kind, "trang": 3}).content.decode()
    assert "101–120 trong 120 việc" in last and "Việc số 000" in last
    none = client.get(url, {"to_chuc": "chi bo khac"}).content.decode()
    assert "Không có việc nào phù hợp." in none
    found = client.get(url, {"to_chuc": "chi bo thu"}).content.decode()  # accent-insensitive
    assert "1–50 trong 120 việc" in found


def test_reminders_are_kept_until_a_fact_changes(clock, tree, root_user, people, monkeypatch):
    clock.set(ON)
    m = admit(root_user, tree.a1, "Lê Văn Chậm", D(2024, 3, 1))
    calls = []
    real = selectors.alerts

    def counted(actor, on, limit):
        calls.append(on)
        return real(actor, on=on, limit=limit)

    monkeypatch.setattr(selectors, "alerts", counted)
    first = selectors.my_alerts(people.secretary_a, ON)
    assert any("Lê Văn Chậm: quá hạn tổ chức lễ kết nạp" in a.text for a in first)
    assert selectors.my_alerts(people.secretary_a, ON) == first and len(calls) == 1  # kept
    lifecycle.event_record(
        actor=root_user, member=m, kind="le_ket_nap", date=D(2024, 6, 1)
    )  # the fact changes
    after = selectors.my_alerts(people.secretary_a, ON)
    assert len(calls) == 2 and not any("Lê Văn Chậm: quá hạn" in a.text for a in after)
    selectors.my_alerts(people.secretary_a, ON + dt.timedelta(days=1))  # a new day
    assert len(calls) == 3


def _counting(monkeypatch) -> list[str]:
    """Every computation of the reminders from here on (the user's name), through the real ``alerts``."""
    calls: list[str] = []
    real = selectors.alerts

    def counted(actor, on, limit):
        calls.append(actor.username)
        return real(actor, on=on, limit=limit)

    monkeypatch.setattr(selectors, "alerts", counted)
    return calls


def test_a_change_in_the_users_scope_shows_at_once_and_writes_elsewhere_recompute_nothing(
    client, clock, tree, root_user, people, monkeypatch
):
    clock.set(ON)
    calls = _counting(monkeypatch)
    client.force_login(people.secretary_b)  # Chi bộ Sở Tư pháp (B)
    home = reverse("workspace:home")
    client.get(home)
    assert calls == ["secretary_b"]
    admit(root_user, tree.a1, "Lê Văn Chậm", D(2024, 3, 1))  # A's cell: outside B, ceremony overdue
    page = client.get(home).content.decode()
    assert calls == ["secretary_b"] and "Lê Văn Chậm" not in page  # kept: the change is not B's
    admit(root_user, tree.b, "Lê Văn Muộn", D(2024, 3, 1))  # in B
    page = client.get(home).content.decode()
    assert calls == ["secretary_b"] * 2 and "Lê Văn Muộn: quá hạn tổ chức lễ kết nạp" in page
    client.get(home)
    assert len(calls) == 2  # nothing new since
    client.force_login(people.secretary_a)  # A sees its own at once
    assert "Lê Văn Chậm: quá hạn tổ chức lễ kết nạp" in client.get(home).content.decode()


def test_a_task_given_from_above_and_a_transfer_into_the_scope_recompute_the_reminders(
    clock, tree, root_user, people, monkeypatch
):
    clock.set(D(2024, 3, 15))
    calls = _counting(monkeypatch)
    on = D(2024, 3, 15)
    selectors.my_alerts(people.secretary_b, on)
    _task(people.staff, tree.bloc, title="Tổng kết năm", assigned_date=D(2024, 1, 2), deadline=D(2024, 2, 28))
    found = selectors.my_alerts(people.secretary_b, on)  # an event of the bloc, above B
    assert len(calls) == 2 and any("Tổng kết năm" in a.text for a in found)
    # A transfer from A to B: its events are placed at the member's cell (A), the receiving side is B.
    lifecycle.transfer_send(actor=root_user, member=people.m_a1, kind="chinh_thuc", to_organization=tree.b,
                            sent_date=D(2024, 3, 14), moved_date=D(2023, 9, 1), letter_no="9-GGT/ĐU")  # fmt: skip
    found = selectors.my_alerts(people.secretary_b, on)
    assert len(calls) == 3 and any("Giới thiệu chậm" in a.text for a in found)
    selectors.my_alerts(people.staff_b, on)  # another user of B: their own
    admit(root_user, tree.a2, "Lê Văn Khác", D(2024, 3, 1))  # in A alone
    selectors.my_alerts(people.secretary_b, on)
    selectors.my_alerts(people.staff_b, on)
    assert calls == ["secretary_b"] * 3 + ["staff_b"]


def test_this_years_tasks_on_the_home_page_and_the_task_list_keeps_history_behind_the_year(
    client, clock, tree, people
):
    clock.set(D(2024, 3, 5))
    old = _task(
        people.staff,
        tree.bloc,
        title="Nhiệm vụ năm 2023",
        assigned_date=D(2023, 3, 1),
        deadline=D(2023, 3, 31),
    )
    new = _task(
        people.staff,
        tree.bloc,
        title="Nhiệm vụ năm 2024",
        assigned_date=D(2024, 3, 1),
        deadline=D(2024, 3, 31),
    )
    client.force_login(people.staff)
    home = client.get(reverse("workspace:home")).content.decode()
    section = home[home.index('id="nhiem-vu"') :]
    assert new.title in section and old.title not in section  # the old one, unreported, is a reminder above
    assert f"«{old.title}»: 2/2 tổ chức chưa báo cáo" in home
    tasks = client.get(reverse("steering:tasks")).content.decode()
    assert "Nhiệm vụ năm 2024" in tasks and "Nhiệm vụ năm 2023" not in tasks  # the latest year by default
    every = client.get(reverse("steering:tasks"), {"nam": "tat-ca"}).content.decode()
    assert "Nhiệm vụ năm 2024" in every and "Nhiệm vụ năm 2023" in every
    client.force_login(people.secretary_a)  # assigned from above
    assert "Cấp trên giao cho tổ chức của bạn (1)" in client.get(reverse("workspace:home")).content.decode()


def test_the_favicon_is_our_own_file(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("dangbo/favicon.svg")


def test_a_view_of_personal_data_recomputes_nothing_a_change_of_the_tree_recomputes_everyone(
    clock, tree, root_user, people, monkeypatch
):
    from dangbo.members import services as member_services
    from dangbo.organizations.tree import services as tree_services

    clock.set(ON)
    calls = _counting(monkeypatch)
    selectors.my_alerts(people.secretary_b, ON)
    people.m_b.phone = "0912345678"
    people.m_b.save()
    assert member_services.record_personal_data_view(actor=people.staff, member=people.m_b)  # a view in B
    selectors.my_alerts(people.secretary_b, ON)
    assert len(calls) == 1
    tree_services.organization_rename(
        actor=root_user, organization=tree.a2, name="Chi bộ Khoa Ngoại", date=ON
    )
    selectors.my_alerts(people.secretary_b, ON)  # A's cell renamed: the tree changed
    assert len(calls) == 2


def test_a_write_inside_the_scope_shows_at_once_and_recomputes_only_the_touched_organizations_part(
    client, clock, tree, root_user, people, monkeypatch
):
    from dangbo.core import policies

    clock.set(ON)
    late = admit(root_user, tree.a1, "Lê Văn Chậm", D(2024, 3, 1))  # in A: ceremony overdue
    pieces = []
    real = selectors.alerts

    def counted(actor, on, limit):
        pieces.append(policies.narrowing())
        return real(actor, on=on, limit=limit)

    monkeypatch.setattr(selectors, "alerts", counted)
    client.force_login(people.staff)  # the bloc's staff: A and B
    home = reverse("workspace:home")
    assert "Lê Văn Chậm: quá hạn tổ chức lễ kết nạp" in client.get(home).content.decode()
    assert pieces == [None]  # the first time: the whole scope
    admit(root_user, tree.b, "Lê Văn Muộn", D(2024, 3, 1))  # in B
    page = client.get(home).content.decode()
    assert "Lê Văn Muộn: quá hạn tổ chức lễ kết nạp" in page  # at once
    assert "Lê Văn Chậm: quá hạn tổ chức lễ kết nạp" in page  # A's kept
    assert "2 việc, 2 quá hạn" in page
    # only B's part was read again: B with all under it, the committees above it for their own rows alone
    assert pieces[1:] == [policies.Piece(subtrees=(tree.b.path,), exact=(tree.province.path, tree.bloc.path))]
    lifecycle.event_record(actor=root_user, member=late, kind="le_ket_nap", date=D(2024, 6, 1))  # A's changes
    page = client.get(home).content.decode()
    assert "Lê Văn Chậm: quá hạn" not in page and "Lê Văn Muộn: quá hạn tổ chức lễ kết nạp" in page
    assert pieces[2] == policies.Piece(subtrees=(tree.a.path,), exact=(tree.province.path, tree.bloc.path))
    client.get(home)
    assert len(pieces) == 3  # nothing new since


def test_the_reminders_kept_in_parts_are_those_of_a_whole_computation_after_each_write(
    clock, tree, root_user, people
):
    clock.set(D(2024, 3, 15))
    on = D(2024, 3, 15)

    def same():
        kept = selectors.my_alerts(people.staff, on)
        whole = alerts(people.staff, on=on, limit=None)
        assert len(kept) == len(set(kept)) and set(kept) == set(whole)
        return kept

    admit(root_user, tree.a1, "Lê Văn Chậm", D(2024, 1, 1))
    same()
    admit(root_user, tree.b, "Lê Văn Muộn", D(2024, 1, 1))  # in B
    same()
    # A transfer from A's cell to B (both the staff's): one reminder, on the receiving side's
    t = lifecycle.transfer_send(actor=root_user, member=people.m_a1, kind="chinh_thuc", to_organization=tree.b,
                                sent_date=D(2024, 3, 1), moved_date=D(2023, 9, 1), letter_no="9-GGT/ĐU")  # fmt: skip
    found = [a for a in same() if "Giới thiệu chậm" in a.text]
    assert len(found) == 1 and found[0].org == "Chi bộ Sở Tư pháp"
    admit(root_user, tree.a2, "Lê Văn Khác", D(2024, 1, 1))  # a write on the sending side alone keeps it once
    assert len([a for a in same() if "Giới thiệu chậm" in a.text]) == 1
    lifecycle.transfer_cancel(actor=root_user, transfer=t)  # written on the member (A): B's reminder goes too
    assert not [a for a in same() if "Giới thiệu chậm" in a.text]


def test_the_nightly_warm_computes_the_day_for_those_who_sign_in_so_their_first_visit_computes_nothing(
    client, clock, tree, root_user, people, monkeypatch
):
    """``dangbo home warm`` (cron after midnight): the first visit of the day reads what it kept; users who have not
    signed in within ``--days`` are left alone."""
    import io

    from django.core.management import call_command
    from django.utils import timezone

    clock.set(ON)
    admit(root_user, tree.a1, "Lê Văn Chậm", D(2024, 3, 1))
    people.secretary_a.last_login = timezone.now() - dt.timedelta(days=2)
    people.secretary_a.save(update_fields=["last_login"])
    people.staff.last_login = timezone.now() - dt.timedelta(days=90)
    people.staff.save(update_fields=["last_login"])
    calls = _counting(monkeypatch)
    out = io.StringIO()
    call_command("home", "warm", "--days", "30", stdout=out)
    assert "ngày 03/06/2024 của 1 người dùng" in out.getvalue()
    assert people.secretary_a.username in calls and people.staff.username not in calls
    calls.clear()
    client.force_login(people.secretary_a)
    page = client.get(reverse("workspace:home")).content.decode()
    assert "Lê Văn Chậm" in page and calls == []  # the first visit of the day read the kept reminders
    client.force_login(people.staff)
    client.get(reverse("workspace:home"))
    assert calls == [people.staff.username]  # not warmed: computed on the first visit
