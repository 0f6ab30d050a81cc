"""The synthetic scale loader (benchmarks) at a small size: the rows it writes in bulk are what the application
would have written — member histories that ``members.history.services.rebuild`` leaves as they are, open roll periods for
exactly the members on the roll, organization links with their name and path."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from dangbo.core.dates import today
from dangbo.demo.synthetic import load_synthetic
from dangbo.members.choices import ACTIVE_STATUSES, EventKind, MemberStatus
from dangbo.members.counts import selectors as asof
from dangbo.members.counts.services import recount
from dangbo.members.history import services as lifecycle
from dangbo.members.models import Member, MemberEvent, MemberPeriod, Transfer
from dangbo.organizations.models import Organization, OrganizationLink

N = 4000


def _periods(member: Member) -> list[tuple]:
    return list(
        MemberPeriod.objects.filter(member=member)
        .order_by("valid_from", "id")
        .values_list("organization_id", "org_path", "status", "exempted", "valid_from", "valid_to", "start_kind",
                     "end_kind")
    )  # fmt: skip


def _state(member: Member) -> tuple:
    return (member.status, member.organization_id, member.org_path, member.exempted, member.official_date)


@pytest.fixture(scope="module")
def synthetic(django_db_setup, django_db_blocker):
    """One small load for the module (the loader runs DDL, COPY and VACUUM: it needs autocommit)."""
    with django_db_blocker.unblock():
        summary = load_synthetic("province", members=N, stdout=lambda line: None)
        yield summary
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)
        from tests.conftest import reload_reference_data

        reload_reference_data()


@pytest.fixture
def loaded(synthetic, db):
    return synthetic


def test_every_member_has_a_history_and_the_roll_matches_the_status(loaded):
    assert Member.objects.count() == N == loaded["members"]
    assert MemberEvent.objects.count() == loaded["events"]
    assert MemberPeriod.objects.count() == loaded["periods"]
    assert not Member.objects.exclude(events__kind=EventKind.ENROLL).exists()
    on_roll = Member.objects.filter(status__in=ACTIVE_STATUSES)
    assert on_roll.count() == MemberPeriod.objects.filter(valid_to__isnull=True).count()
    assert not on_roll.exclude(periods__valid_to__isnull=True).exists()
    left = Member.objects.exclude(status__in=ACTIVE_STATUSES)
    assert left.exists() and not left.filter(periods__valid_to__isnull=True).exists()
    assert Transfer.objects.count() == Member.objects.filter(status=MemberStatus.TRANSFERRED_OUT).count()
    assert MemberPeriod.objects.filter(valid_from__lt=dt.date(2010, 1, 1)).count() == 0
    assert not MemberEvent.objects.filter(date__gt=today()).exists()


def test_every_event_that_needs_a_decision_has_one_of_a_competent_body(loaded):
    from tests.conftest import misjudged_events

    assert misjudged_events(MemberEvent.objects.all()) == []
    decided = MemberEvent.objects.exclude(decision_level="")
    assert {"chinh_thuc", "chuyen_di", "mien"} <= set(decided.values_list("kind", flat=True))
    assert not Transfer.objects.filter(issuer="").exists()


def test_organization_links_carry_the_name_and_path(loaded):
    links = OrganizationLink.objects.select_related("organization")
    assert links.count() == Organization.objects.count()
    for link in links:
        assert (link.name, link.path) == (link.organization.name, link.organization.path)
        assert link.valid_to is None


def test_bulk_loaded_keys_are_the_ones_the_services_compute(loaded):
    """The loader computes the search and sort keys in bulk with the same functions as the services: the list
    order and the search of loaded members are those of members entered by hand."""
    from dangbo.core.text import fold, name_sort_key

    for full_name, norm, key in Member.objects.values_list("full_name", "name_norm", "name_sort"):
        assert (norm, key) == (fold(full_name), name_sort_key(full_name)), full_name
    for name, norm in Organization.objects.values_list("name", "name_norm"):
        assert norm == fold(name), name


def test_rebuilding_any_member_changes_nothing(loaded):
    members = list(Member.objects.order_by("id"))
    # Every member with more than the enrolment event, and a sample of the others.
    busy = set(MemberEvent.objects.exclude(kind=EventKind.ENROLL).values_list("member_id", flat=True))
    sample = [m for m in members if m.pk in busy or m.pk % 20 == 0]
    assert {m.status for m in sample} >= {"du_bi", "chinh_thuc", "tu_tran", "chuyen_di"}
    assert any(m.exempted for m in sample)
    counts_before = list(
        Organization.objects.order_by("id").values_list("official_count", "probationary_count")
    )
    with transaction.atomic():
        for m in sample:
            before = (_state(m), _periods(m))
            lifecycle.rebuild(m)
            m.refresh_from_db()
            assert (_state(m), _periods(m)) == before, m.pk
        counts_after = list(
            Organization.objects.order_by("id").values_list("official_count", "probationary_count")
        )
        assert counts_after == counts_before
        transaction.set_rollback(True)


def test_stored_counts_are_what_a_recount_gives(loaded):
    before = list(
        Organization.objects.order_by("id").values_list("id", "official_count", "probationary_count")
    )
    assert sum(1 for _, official, _ in before if official) > 10
    with transaction.atomic():
        recount()
        after = list(
            Organization.objects.order_by("id").values_list("id", "official_count", "probationary_count")
        )
        transaction.set_rollback(True)
    assert after == before


def test_as_of_figures_agree_with_the_stored_counts(loaded):
    on = today()
    for org in Organization.objects.filter(depth__lte=1):
        figures = asof.headcount(org, on)
        assert (figures["chinh_thuc"], figures["du_bi"]) == (org.official_count, org.probationary_count), (
            org.code
        )


def test_new_history_rows_get_fresh_ids_after_the_bulk_load(loaded):
    m = Member.objects.filter(status=MemberStatus.OFFICIAL).first()
    with transaction.atomic():
        e = MemberEvent.objects.create(
            member=m, kind=EventKind.DEATH, date=today(), organization=m.organization
        )
        p = MemberPeriod.objects.create(
            member=m, organization=m.organization, org_path=m.org_path, status=m.status, valid_from=today(),
            start_kind=EventKind.ENROLL,
        )  # fmt: skip
        assert e.pk > MemberEvent.objects.exclude(pk=e.pk).order_by("-pk").values_list("pk", flat=True)[0]
        assert p.pk > MemberPeriod.objects.exclude(pk=p.pk).order_by("-pk").values_list("pk", flat=True)[0]
        transaction.set_rollback(True)


def test_name_search_works_on_the_bulk_loaded_members(loaded, django_user_model):
    """The loader fills the search index in bulk (on PostgreSQL the word table, with its triggers off during
    COPY): the list's search finds exactly the members the rule names, and later edits are followed."""
    from dangbo.core.text import fold
    from dangbo.members.selectors import member_list

    admin = django_user_model.objects.create_superuser("synth.admin", password="Mat-khau-9x")
    sample = Member.objects.order_by("id")[N // 2]
    words = fold(sample.full_name).split()
    query = f"{words[0]} {words[-1][:2]}"  # family name + the start of the given name
    rows = sorted(
        (m.name_sort, m.pk)
        for m in Member.objects.only("full_name", "name_sort")
        if words[0] in fold(m.full_name).split()
        and any(w.startswith(words[-1][:2]) for w in fold(m.full_name).split())
    )
    _, page, total, cap = member_list(actor=admin, params={"q": query}, page_size=5000)
    assert [m.pk for m in page.rows] == [pk for _, pk in rows] and total == min(len(rows), cap + 1)
    from dangbo.core.text import name_sort_key

    Member.objects.filter(pk=sample.pk).update(
        full_name="Vừ A Xềnh", name_norm=fold("Vừ A Xềnh"), name_sort=name_sort_key("Vừ A Xềnh")
    )
    _, page, _, _ = member_list(actor=admin, params={"q": "vu a xenh"})
    assert [m.pk for m in page.rows] == [sample.pk]


def test_the_load_writes_the_benchmark_users_and_each_cell_secretary_manages_only_their_cell(loaded):
    """bench/load.py records as bench.cell01…: one cell each (no two users edit one record), from bench.grassroots'
    committee on, with the rights of a cell secretary there and nowhere else."""
    from dangbo.accounts.choices import Role
    from dangbo.accounts.models import RoleAssignment
    from dangbo.core import policies
    from dangbo.demo.synthetic import CELL_SECRETARIES

    grants = {r.user.username: r for r in RoleAssignment.objects.select_related("user", "organization")}
    assert {"bench.staff", "bench.grassroots"} <= set(grants)
    cells = [
        grants[f"bench.cell{n:02d}"] for n in range(1, CELL_SECRETARIES + 1) if f"bench.cell{n:02d}" in grants
    ]
    assert len(cells) == CELL_SECRETARIES  # the small province has more cells than that
    assert len({g.organization_id for g in cells}) == len(cells)
    first = cells[0]
    assert first.role == Role.CELL_SECRETARY and first.organization.is_cell
    assert first.organization.path.startswith(grants["bench.grassroots"].organization.path)
    other = cells[1].organization
    assert policies.can(first.user, "place_members", first.organization)
    assert not policies.can(first.user, "place_members", other)
