"""Reads of the quality evaluation, always through the policies: campaigns of an organization, a campaign's ratings
and counts by level (the live quota counter), results, reminders on "việc của tôi"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from dangbo.core import policies
from dangbo.core.db import prepared
from dangbo.core.formats import ngay
from dangbo.core.policies import CHANGE, VIEW
from dangbo.core.text import text_sort_key

from .choices import RANK, SHORT, CampaignStatus, Level
from .models import Campaign, LevelTally, Rating
from .policies import DECIDE


def campaigns_of(actor, organization) -> QuerySet:
    """Campaigns decided by ``organization`` that the actor sees, newest period first."""
    return (
        policies.scope(actor, VIEW, Campaign.objects.all())
        .filter(authority=organization)
        .select_related("authority")
        .order_by("-period_end", "-id")
    )


def ratings_of(actor, campaign: Campaign, *, use_index: bool = True) -> QuerySet:
    """``use_index=False``: the scope's path ranges kept from the planner (``core.policies.subtree_q``) — for an
    actor who sees every cell of a campaign, whose rows another index gives (by name, by id) without a sort."""
    return (policies.scope(actor, VIEW, Rating.objects.all(), use_index=use_index).filter(campaign=campaign)
            .select_related("member", "subject_org", "cell").order_by("cell__name", "name_sort", "id"))  # fmt: skip


PAGE_SIZE = 50  # rows of a campaign's list per page (the campaign page, the results page)


@dataclass
class CampaignCells:
    """The campaign's cells the actor sees, for the filter «chi_bo»: (id, name) of every one, by name — or, when
    there are more than ``filters.CELL_SELECT_MAX`` (``many``: the filter is then the organization picker), only
    the chosen one (if it is one of them)."""

    choices: list[tuple[int, str]]
    many: bool
    every: bool = False  # the actor sees every cell of the campaign (``sees_every_cell``)
    # Each listed cell's count of ratings meeting ``levels`` (``campaign_cells(levels=)``; not when ``many``).
    counts: dict[int, int] | None = None


def tallies(campaign, *, whole: bool, members: bool = True) -> QuerySet:
    """The campaign's stored counts: the whole campaign's rows or its organizations', of members or of
    collectives. The two flags are compared with ``IN`` on purpose: Django writes ``whole=False`` as ``NOT
    "whole"``, which SQLite cannot seek in an index (only ``=`` and ``IN``) — it walked a province campaign's
    40,000 rows for the whole campaign's few."""
    return LevelTally.objects.filter(campaign=campaign, whole__in=[whole], members__in=[members])


def _tally_rows(actor, campaign: Campaign) -> QuerySet:
    """The stored counts of the campaign's member ratings in the cells the actor sees (scoped by ``org_path``, like
    the ratings they count)."""
    return policies.scope(actor, VIEW, tallies(campaign, whole=False))


def campaign_cells(actor, campaign: Campaign, chosen=None, *, levels: dict | None = None) -> CampaignCells:
    """The campaign's cells the actor sees (``CampaignCells``), read from the stored counts — the cells' rows in
    the actor's subtree, in path order, at most ``CELL_SELECT_MAX`` + 1 distinct cells from the index
    ``evaluation_tally_path`` (a province: 10,000 cells, of which the first 301 are read) — not from the ratings.
    ``chosen``: the cell asked for (``?chi_bo=``), kept among the choices when it is one of them. The same query
    reads the span of the campaign's cells (``sees_every_cell``) and, with ``levels`` (the filter's values but the
    cell, ``filters.level_values``), each cell's count of the ratings that meet them (``CampaignCells.counts``: the
    count of the filtered list without a query of its own)."""
    from . import filters

    limit = filters.CELL_SELECT_MAX

    def first_cells():
        low, high = _span(campaign)
        hits = Sum("n", filter=filters.conditions(levels or {}, cell_field="organization_id") or None)
        # Grouped by the index's own order (a GROUP BY on presorted keys, stopped by the LIMIT), not DISTINCT over
        # the joined name: PostgreSQL sorted that (in parallel workers: ~20 ms for a province's 301 first cells).
        return (_tally_rows(actor, campaign).order_by("org_path", "organization_id")
                .values("org_path", "organization_id")
                .annotate(name=Min("organization__name"), low=Min(low), high=Max(high), hits=hits)
                .values_list("org_path", "organization_id", "name", "low", "high", "hits")[: limit + 1])  # fmt: skip

    # Compiled once per process for what its SQL depends on (``core.db.prepared``): building it cost more CPU than
    # running it.
    first = prepared(("evaluation-cells", campaign.pk, *_reach_key(actor, LevelTally), tuple(sorted((levels or {}).items())),
                      limit), first_cells)  # fmt: skip
    every = bool(first) and _covers_span(actor, campaign, first[0][3:5])
    if len(first) <= limit:
        cells = sorted(((pk, name) for _, pk, name, *_ in first), key=lambda c: (text_sort_key(c[1]), c[0]))
        counts: dict[int, int] = {}
        for _, pk, _, _, _, n in first:
            counts[pk] = counts.get(pk, 0) + (n or 0)
        return CampaignCells(cells, False, every, counts if levels is not None else None)
    try:
        pk = int(chosen) if chosen not in (None, "") else None
    except (TypeError, ValueError):
        pk = None
    found = (_tally_rows(actor, campaign).filter(organization_id=pk).values_list("organization_id", "organization__name")[:1]
             if pk is not None and 0 < pk < 2**63 else [])  # fmt: skip
    return CampaignCells(list(found), True, every)


@dataclass
class RatingsPage:
    filter: object  # filters.RatingFilter (its form, its errors)
    page: object  # core.pagination.KeysetPage of Rating
    count: int  # the filtered list's length, from the stored counts
    cells: CampaignCells
    size: int = PAGE_SIZE


def _span(campaign: Campaign) -> tuple:
    """The least and the greatest path of the campaign's cells (two reads of the index ``evaluation_tally_path``),
    as expressions of a query."""
    from django.db.models import Subquery

    cells = tallies(campaign, whole=False).values("org_path")
    return Subquery(cells.order_by("org_path")[:1]), Subquery(cells.order_by("-org_path")[:1])


def _covers_span(actor, campaign: Campaign, span) -> bool:
    from dangbo.core.policies import common_ancestor

    if not span or span[0] is None:
        return False
    return policies.can(actor, VIEW, LevelTally(campaign=campaign, org_path=common_ancestor(*span)))


def sees_every_cell(actor, campaign: Campaign) -> bool:
    """Whether the actor sees every member rating of the campaign (its staff and the levels above): the policy
    asked about the deepest organization above all the campaign's cells (``core.policies.common_ancestor`` of the
    least and the greatest path of the cells' stored counts). ``campaign_cells`` answers it too, in its query."""
    return _covers_span(
        actor, campaign, Campaign.objects.filter(pk=campaign.pk).values_list(*_span(campaign)).first()
    )


def filtered_count(actor, campaign: Campaign, values: dict, *, every: bool | None = None,
                   whole: list | None = None, cells: dict | None = None) -> int:  # fmt: skip
    """How many of the campaign's member ratings the actor sees match the filter's ``values``, from the stored
    counts: the whole campaign's rows when the actor sees every cell (a few rows, whatever the number of cells),
    else the rows of the actor's cells (a range of ``evaluation_tally_path``); one cell: its rows. ``every``:
    ``sees_every_cell`` when the caller asked already; ``whole``: the whole campaign's rows of members already read
    (``CampaignTallies.whole``): counted from them, no query; ``cells``: each of the actor's cells' count of the
    filter's values but the cell (``CampaignCells.counts``), likewise."""
    from .filters import conditions, matches

    chosen = conditions(values, cell_field="organization_id")
    if every is None and not values.get("chi_bo"):
        every = sees_every_cell(actor, campaign)
    if every and not values.get("chi_bo") and whole is not None:
        return sum(n for reason, d, p, n in whole if matches(values, reason, d, p))
    if cells is not None:
        return cells.get(int(values["chi_bo"]), 0) if values.get("chi_bo") else sum(cells.values())
    if every and not values.get("chi_bo"):
        rows = tallies(campaign, whole=True)
        return rows.filter(chosen).aggregate(s=Sum("n"))["s"] or 0
    return _tally_rows(actor, campaign).filter(chosen).aggregate(s=Sum("n"))["s"] or 0


def ratings_page(
    actor,
    campaign: Campaign,
    params,
    *,
    size: int = PAGE_SIZE,
    whole: list | None = None,
    columns: tuple = (),
    annotations: dict | None = None,
) -> RatingsPage:
    """One page of the campaign's member ratings the actor sees, filtered by ``params`` (``filters.RatingFilter``)
    and ordered by name (keyset: ``?sau=`` / ``?truoc=``, every page costs the first one's): a fixed number of
    queries whatever the campaign's size — the cells (for the filter), the count (stored tallies), the page's ids,
    its rows. The evidence of the rows shown is the caller's (``evidence.summary`` of the page's members).
    ``whole``: the whole campaign's stored counts already read (``campaign_tallies``): the count of an actor who
    sees every cell is taken from them. ``columns``: the rows are named tuples of these (``"pk"`` among them: the
    pages write their rows in Python), with ``annotations`` (expressions on the rating) computed in the rows'
    query — not in the ids'."""
    from dangbo.core.pagination import keyset_page

    from .filters import RatingFilter, level_values

    levels = level_values(params)
    cells = campaign_cells(actor, campaign, params.get("chi_bo"), levels=levels)
    # Whoever sees every cell (a province's staff) reads the page along the index by name (its scope checked in the
    # index's org_path column, not searched by it: that would sort the campaign's 240,000 rows by name).
    every = cells.every
    f = RatingFilter(params, queryset=Rating.objects.none(), cells=cells.choices,
                     actor=actor if cells.many else None)  # fmt: skip
    values = f.values()
    by_cell = cells.counts if {k: v for k, v in values.items() if k != "chi_bo"} == levels else None
    count = filtered_count(actor, campaign, values, every=every, whole=whole, cells=by_cell)

    def rows():  # built only when the page's statements are compiled (once per process for ``key``)
        scoped = ratings_of(actor, campaign, use_index=not every).filter(member__isnull=False)
        return f.filter_queryset(scoped).order_by()

    # By the rating's own copy of the name key: the page's ids from the index evaluation_rating_list (or, filtered,
    # evaluation_rating_level / _cell), no join. The statements' SQL depends on the campaign (its id, and its period
    # in the evidence's ``annotations``), the actor's scope and the filter's values.
    key = ("evaluation-list", campaign.pk, campaign.period_start, campaign.period_end, every,
           *_reach_key(actor), tuple(sorted(values.items())), tuple(annotations or ())) if columns else None  # fmt: skip
    page = keyset_page(rows if key else rows(), sort_field="name_sort", after=params.get("sau"),
                       before=params.get("truoc"), size=size, columns=columns, annotations=annotations,
                       one_query=True, key=key)  # fmt: skip
    return RatingsPage(filter=f, page=page, count=count, cells=cells, size=size)


def _reach_key(actor, model=Rating) -> tuple:
    """What the SQL of the actor's scope of ``model``'s rows depends on (a statement's key, ``core.db.prepared``)."""
    from django.db import connection

    reach = policies.where(actor, VIEW, model)
    return connection.vendor, reach.everything, reach.paths, reach.ids, policies.narrowing()


def organization_ratings(actor, campaign: Campaign) -> QuerySet:
    """The campaign's ratings of organizations (collectives: the authority's direct children) the actor sees: a
    few rows, from the index of the campaign's organizations (``evaluation_rating_one_per_org``), their scope
    checked on each — not searched by path among the campaign's 240,000 member ratings."""
    return ratings_of(actor, campaign, use_index=False).filter(subject_org__isnull=False)


@dataclass
class Tally:
    """Counts by level in one campaign (members; organizations apart — another comparable group)."""

    counts: dict[str, int]
    not_rated: int
    pending: int
    total: int
    allowed: int  # HTXSNV the quota allows now
    quota: bool

    @property
    def excellent(self) -> int:
        return self.counts.get(Level.EXCELLENT, 0)

    @property
    def remaining(self) -> int:
        return self.allowed - self.excellent

    @property
    def over(self) -> bool:
        return self.quota and self.remaining < 0

    def rows(self):
        """(code, short, label, count, share %) for each level."""
        rated = sum(self.counts.values())
        for level in Level:
            n = self.counts.get(level, 0)
            yield level.value, SHORT[level], level.label, n, (100 * n / rated if rated else 0)


@dataclass
class CampaignTallies:
    """The campaign pages' counts read in one query: of members (``tally``), of organizations, and the whole
    campaign's rows of members (not rated, decided, proposed, n) — the count of a filtered list for an actor who
    sees every cell (``filtered_count``)."""

    members: Tally
    organizations: Tally
    whole: list
    previous: Tally | None = None  # the members' of ``campaign_tallies(previous=)``


def campaign_tallies(
    campaign: Campaign, *, decided: bool = False, previous: Campaign | None = None
) -> CampaignTallies:
    """``tally`` of the members and of the organizations (``decided`` as there) from one read of the whole
    campaign's stored counts; ``previous``: the members' of another campaign too (the results page's previous
    period: only its decided levels once it is decided), in the same query."""
    ids = [campaign.pk] + ([previous.pk] if previous is not None else [])
    grouped = (LevelTally.objects.filter(campaign_id__in=ids, whole__in=[True], members__in=[True, False])
               .values_list("campaign_id", "members", "not_rated", "decided_level", "proposed_level")
               .annotate(s=Sum("n")).order_by())  # fmt: skip
    people, orgs, before = [], [], []
    for campaign_id, members, *row in grouped:
        if campaign_id != campaign.pk:
            if members:
                before.append(tuple(row))
            continue
        (people if members else orgs).append(tuple(row))
    return CampaignTallies(
        _tally_of(campaign, people, decided), _tally_of(campaign, orgs, decided), people,
        _tally_of(previous, before, previous.locked) if previous is not None else None,
    )  # fmt: skip


PREVIOUS_FIELDS = (
    "id",
    "year",
    "status",
    "rules_key",
)  # what the results page needs of the previous campaign


def previous_campaign(actor) -> dict:
    """The ``PREVIOUS_FIELDS`` of the campaign of the period before, by the same authority and of the same kind, that
    the actor sees (the latest ending before the period starts), as annotations of a campaign's query."""
    from django.db.models import OuterRef, Subquery

    earlier = (policies.scope(actor, VIEW, Campaign.objects.all())
               .filter(authority=OuterRef("authority"), period_kind=OuterRef("period_kind"),
                       period_end__lt=OuterRef("period_start"))
               .order_by("-period_end", "-pk"))  # fmt: skip
    return {f"previous_{name}": Subquery(earlier.values(name)[:1]) for name in PREVIOUS_FIELDS}


def tally(campaign: Campaign, *, decided: bool = False, members: bool = True, recount: bool = False) -> Tally:
    """Counts of the whole campaign (not only the actor's share: the quota is the authority's). The level is the
    decided one, else the proposed one (``decided``: only the decided). Read from the stored counts
    (``LevelTally``: a few rows per cell, kept by ``services`` in each write), not from the ratings; ``recount``:
    counted from the ratings themselves (the decision's quota check: once per decision, whatever the table says)."""
    if recount:
        rows = Rating.objects.filter(campaign=campaign, member__isnull=not members)
        # One pass over the partial index evaluation_rating_tally (members): grouped by reason, decided, proposed.
        grouped = (rows.values_list("not_rated", "decided_level", "proposed_level").annotate(n=Count("*"))
                   .order_by())  # fmt: skip
    else:
        grouped = (tallies(campaign, whole=True, members=members)
                   .values_list("not_rated", "decided_level", "proposed_level").annotate(s=Sum("n")).order_by())  # fmt: skip
    return _tally_of(campaign, grouped, decided)


def _tally_of(campaign: Campaign, grouped, decided: bool) -> Tally:
    """``Tally`` from rows (not rated, decided, proposed, n)."""
    agg, not_rated = {}, 0
    for reason, d, p, n in grouped:
        if not n:
            continue
        if reason:
            not_rated += n
            continue
        level = d if decided else (d or p)
        agg[level] = agg.get(level, 0) + n
    pending = agg.pop("", 0)
    rules = campaign.rules
    allowed = rules.quota_allowed(agg.get(Level.GOOD, 0), agg.get(Level.EXCELLENT, 0))
    total = sum(agg.values()) + pending + not_rated
    return Tally(
        counts=agg, not_rated=not_rated, pending=pending, total=total, allowed=allowed, quota=rules.quota
    )


def tally_recount(campaign: Campaign | None = None) -> dict[tuple, int]:
    """The counts ``LevelTally`` should hold, from the ratings: {(campaign, whole?, organization, path, members?,
    reason not rated, decided, proposed): n} (of ``campaign``, or of every campaign) — per organization with the
    path of its ratings, and for the whole campaign under its authority (no path: read whatever the scope)."""
    rows = Rating.objects.all() if campaign is None else Rating.objects.filter(campaign=campaign)
    grouped = (rows.annotate(m=Q(member__isnull=False))
               .values_list("campaign_id", "campaign__authority_id", "cell_id", "org_path", "m", "not_rated",
                            "decided_level", "proposed_level")
               .annotate(n=Count("*")).order_by())  # fmt: skip
    grouped = list(grouped)
    # One path per organization's row: the least of its ratings' (they share one unless the data is inconsistent).
    paths: dict[tuple, str] = {}
    for c, _, o, path, *_ in grouped:
        paths[(c, o)] = min(paths.get((c, o), path), path)
    out: dict[tuple, int] = {}
    for c, authority, o, _, m, nr, d, p, n in grouped:
        for key in (
            (c, False, o, paths[(c, o)], bool(m), nr, d, p),
            (c, True, authority, "", bool(m), nr, d, p),
        ):
            out[key] = out.get(key, 0) + n
    return out


def tally_differences(campaign: Campaign | None = None) -> list[tuple[tuple, int, int]]:
    """(key, stored, recounted) wherever ``LevelTally`` differs from a recount of the ratings (zeros ignored; a
    row with the wrong path counts as two differences: its key and the right one)."""
    rows = LevelTally.objects.all() if campaign is None else LevelTally.objects.filter(campaign=campaign)
    stored = {}
    for c, w, o, path, m, nr, d, p, n in rows.values_list("campaign_id", "whole", "organization_id", "org_path",
                                                          "members", "not_rated", "decided_level",
                                                          "proposed_level", "n"):  # fmt: skip
        if n:
            stored[(c, w, o, path, m, nr, d, p)] = n
    want = tally_recount(campaign)
    return [(k, stored.get(k, 0), want.get(k, 0)) for k in sorted(set(stored) | set(want), key=str)
            if stored.get(k, 0) != want.get(k, 0)]  # fmt: skip


def level_rank(level: str) -> int:
    return RANK.get(level, 9)


# --- Reminders on the home page ------------------------------------------------------------------------------


def evaluation_alerts(actor, on: dt.date) -> list:
    """A member's own self-assessment of an open campaign; the ratings waiting for a proposal in the actor's
    scope (cell secretaries, committees), counted per cell; campaigns waiting for the committee's decision. Each
    names its organization (the home page groups by it): the member's cell, the cell whose members wait, the
    deciding committee."""
    from dangbo.members.history.selectors import Alert, org_label
    from dangbo.organizations.models import Organization

    out = []
    member_id = getattr(actor, "member_id", None)
    if member_id:
        own = (Rating.objects.filter(member_id=member_id, campaign__status=CampaignStatus.OPEN, self_at__isnull=True,
                                     not_rated="", campaign__deadline__gte=on)
               .select_related("campaign__authority", "member__organization__parent")[:5])  # fmt: skip
        for r in own:
            out.append(Alert("info", f"Tự đánh giá, xếp loại: {r.campaign} (hạn {ngay(r.campaign.deadline)})",
                             r.get_absolute_url(), r.campaign.deadline,
                             org=org_label(r.member.organization if r.member_id else r.campaign.authority)))  # fmt: skip
    waiting = list(policies.scope(actor, CHANGE, Rating.objects.all())
                   .filter(campaign__status__in=(CampaignStatus.OPEN, CampaignStatus.REVIEWING), proposed_level="",
                           not_rated="", member__isnull=False)
                   .values("campaign", "member__organization").annotate(n=Count("id"), path=Max("org_path"))
                   .order_by("campaign", "member__organization")[:50])  # fmt: skip
    if waiting:
        campaigns = Campaign.objects.select_related("authority").in_bulk({w["campaign"] for w in waiting})
        cells = Organization.objects.select_related("parent").in_bulk(
            {w["member__organization"] for w in waiting}
        )
        for w in waiting:
            c = campaigns[w["campaign"]]
            out.append(Alert("info", f"{w['n']} đảng viên chờ đề xuất mức xếp loại: {c}", c.get_absolute_url(),
                             c.deadline, org=org_label(cells.get(w["member__organization"])),
                             paths=(w["path"],)))  # fmt: skip
    deciding = (
        policies.scope(actor, DECIDE, Campaign.objects.all())
        .filter(status=CampaignStatus.REVIEWING)
        .select_related("authority__parent")[:10]
    )
    for c in deciding:
        out.append(Alert("info", f"Chờ quyết định xếp loại: {c}", c.get_absolute_url(), c.deadline,
                         org=org_label(c.authority)))  # fmt: skip
    return out


def results_rows(actor, campaign: Campaign) -> QuerySet:
    """The decided ratings the actor sees, by level then name."""
    return ratings_of(actor, campaign).filter(Q(decided_level__gt="") | Q(not_rated__gt=""))


# --- Results for a scope and a year ----------------------------------------------------------------------------


@dataclass
class ScopeRow:
    organization: object
    counts: dict
    not_rated: int
    own_level: str  # the organization's own rating (by the level above), if any

    @property
    def rated(self) -> int:
        return sum(self.counts.values())


def scope_results(actor, org, year: int) -> tuple[ScopeRow, list[ScopeRow]]:
    """Members' levels of the year in ``org``'s subtree as it was on 31/12 (the actor's scope), in total and by
    the organizations directly under it then, with each one's own level — every figure leads to names."""
    import datetime as dt_

    from django.db.models import Value
    from django.db.models.functions import Coalesce, NullIf

    from dangbo.core.policies import subtree_q
    from dangbo.organizations.models import Organization, OrganizationLink
    from dangbo.organizations.tree.selectors import path_on

    end = dt_.date(year, 12, 31)
    path = path_on(org, end)
    total = ScopeRow(org, {}, 0, "")
    if path is None:
        return total, []
    links = (OrganizationLink.objects.filter(parent=org).filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
             .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=end)))  # fmt: skip
    children = {lk.path: lk.organization_id for lk in links}
    orgs = Organization.objects.in_bulk(list(children.values()))
    rows = {p: ScopeRow(orgs[o], {}, 0, "") for p, o in children.items()}
    ratings = (policies.scope(actor, VIEW, Rating.objects.all()).filter(subtree_q(path, "org_path"), campaign__period_kind="nam", campaign__year=year)
               .annotate(lv=Coalesce(NullIf("decided_level", Value("")), "proposed_level"))
               .values_list("org_path", "lv", "not_rated", "member_id", "subject_org_id"))  # fmt: skip
    for org_path, level, not_rated, member_id, subject_org_id in ratings:
        child = next((rows[p] for p in rows if org_path.startswith(p)), None)
        if member_id is None:
            if child is not None and subject_org_id == child.organization.pk:
                child.own_level = level or ""
            continue
        for row in (total, child):
            if row is None:
                continue
            if not_rated:
                row.not_rated += 1
            elif level:
                row.counts[level] = row.counts.get(level, 0) + 1
    return total, sorted(rows.values(), key=lambda r: r.organization.name)


# --- Criteria catalogues ---------------------------------------------------------------------------------------


def catalogue_of(authority, subject: str, rules_key: str, year: int):
    """The catalogue an authority defined for ``year`` or, failing that, its latest earlier one of the same frame
    (a catalogue holds until the authority defines another); None: the frame's default."""
    from .models import Catalogue

    return (Catalogue.objects.filter(authority=authority, subject=subject, rules_key=rules_key, year__lte=year)
            .order_by("-year").first())  # fmt: skip


def criteria_for(campaign: Campaign, subject: str):
    """(criteria, catalogue or None) that a campaign's ratings of ``subject`` are filled with."""
    from .rules import criteria_default, criteria_from_items

    found = catalogue_of(campaign.authority_id, subject, campaign.rules_key, campaign.year)
    if found is not None:
        return criteria_from_items(found.items), found
    return criteria_default(campaign.rules, subject), None


def subject_of(rating: Rating) -> str:
    from .choices import Subject

    return Subject.MEMBER if rating.member_id else Subject.ORGANIZATION


def residence_comment(member_id: int, year: int):
    from .models import ResidenceComment

    return ResidenceComment.objects.filter(member_id=member_id, year=year).first()


def catalogues_of(actor, organization) -> QuerySet:
    """The catalogues ``organization`` defined that the actor sees, newest first."""
    from .models import Catalogue

    return policies.scope(actor, VIEW, Catalogue.objects.filter(authority=organization)).order_by(
        "-year", "subject"
    )


def residence_comments_on() -> bool:
    from django.conf import settings

    return bool(settings.DANGBO_EVALUATION_RESIDENCE_COMMENTS)


# --- Members registered with a residence cell (QĐ 213) --------------------------------------------------------


def _in_year(year: int) -> Q:
    return Q(valid_from__lte=dt.date(year, 12, 31)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=dt.date(year, 1, 1))
    )


def residents(actor, org, year: int) -> list:
    """(registration, the year's comment or None) of the members registered with the residence cell ``org`` during
    ``year`` that the actor sees (the cell and the committees above it), by name."""
    from .models import ResidenceComment, ResidenceRegistration

    regs = list(policies.scope(actor, VIEW, ResidenceRegistration.objects.filter(_in_year(year), residence_org=org))
                .select_related("member__organization").order_by("member__name_sort", "member_id", "-valid_from"))  # fmt: skip
    found = ResidenceComment.objects.filter(member_id__in=[r.member_id for r in regs], year=year)
    comments = {c.member_id: c for c in policies.scope(actor, VIEW, found)}
    seen, out = set(), []
    for r in regs:
        if r.member_id not in seen:
            seen.add(r.member_id)
            out.append((r, comments.get(r.member_id)))
    return out


def residence_registration(member_id: int, year: int):
    """The member's registration with a residence cell during ``year`` (the latest), or None."""
    from .models import ResidenceRegistration

    return (ResidenceRegistration.objects.filter(_in_year(year), member_id=member_id).select_related("residence_org")
            .order_by("-valid_from", "-id").first())  # fmt: skip
