"""Demo quality evaluations (DOMAIN §4): decided campaigns of past years — 2013 (the bloc's mid-term year: the
bloc rates its 59 grassroots organizations, each grassroots organization its members) and the two years before
the open one — and the open campaign of Đảng bộ Sở Y tế, with work waiting for ``bithu.chibo``.

Levels follow the record: a member disciplined in the year is KHTNV under QĐ 124, HTNV otherwise; the HTXSNV
quota is kept everywhere and binds exactly in about a third of the organizations. Rows are computed in memory from
the roll periods and written in bulk (a few seconds); the open campaign goes through the services.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from dangbo.evaluation import services
from dangbo.evaluation.choices import CampaignStatus, Level, NotRated
from dangbo.evaluation.models import Campaign, Rating
from dangbo.evaluation.rules import rules_for
from dangbo.members.choices import EventKind, MemberStatus
from dangbo.members.counts.selectors import on_roll
from dangbo.members.models import Member, MemberEvent, MemberPeriod
from dangbo.organizations.choices import GRASSROOTS_KINDS
from dangbo.organizations.models import Organization, OrganizationLink

D = dt.date
SEED = 2013_12_31
L = Level
SCORES = {L.EXCELLENT: (90, 98), L.GOOD: (70, 89), L.DONE: (52, 69), L.FAILED: (30, 49)}
OPEN_IN = "KCQ-SYT-01"  # the persona bithu.chibo's cell: its grassroots organization's campaign stays open


def open_year(now: dt.date) -> int:
    """The year being evaluated now: last year until the end of March, then this year."""
    return now.year - 1 if now.month <= 3 else now.year


def decided_years(now: dt.date) -> list[int]:
    y = open_year(now)
    return [2013, y - 2, y - 1]


def _links_on(day: dt.date):
    return OrganizationLink.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day))  # fmt: skip


def _levels(rng: random.Random, n: int, *, binding: bool) -> list[str]:
    """``n`` levels: ~2 % KHTNV, ~9 % HTNV, HTXSNV at the quota (binding) or below it, the rest HTTNV."""
    failed = sum(rng.random() < 0.02 for _ in range(n))
    done = sum(rng.random() < 0.09 for _ in range(n - failed))
    rest = n - failed - done
    most = rest // 6  # e ≤ 20 % × (rest − e)  ⇔  e ≤ rest / 6
    excellent = most if binding else rng.randint(most // 2, most) if most else 0
    out = [L.EXCELLENT] * excellent + [L.GOOD] * (rest - excellent) + [L.DONE] * done + [L.FAILED] * failed
    rng.shuffle(out)
    return out


def _score(rng, rules, level) -> Decimal | None:
    if not rules.scored:
        return None
    low, high = SCORES[level]
    return Decimal(rng.randint(low, high))


def _decide_year(rng: random.Random, year: int, admin, skip: set[int]) -> tuple[int, int]:
    end = D(year, 12, 31)
    rules = rules_for(end)
    links = list(_links_on(end).select_related("organization"))
    grassroots = {lk.path: lk.organization for lk in links if lk.organization.kind in GRASSROOTS_KINDS}
    grassroots = {p: o for p, o in grassroots.items() if o.pk not in skip}
    periods = list(MemberPeriod.objects.filter(on_roll(end)).values_list("member_id", "organization_id", "org_path",
                                                                          "status", "exempted", "member__name_sort"))  # fmt: skip
    disciplined = set(MemberEvent.objects.filter(kind=EventKind.DISCIPLINE).filter(
        Q(date__year=year) | Q(discipline_year=year)).values_list("member_id", flat=True))  # fmt: skip
    admitted = dict(Member.objects.filter(pk__in=[p[0] for p in periods if p[3] == MemberStatus.PROBATIONARY])
                    .values_list("pk", "admission_decision_date"))  # fmt: skip
    newly_after = D(year, 6, 30)
    by_unit = defaultdict(list)
    for member_id, org_id, org_path, status, exempted, name_sort in periods:
        parts = org_path.split(".")[:-1]
        for i in range(len(parts), 0, -1):
            unit = grassroots.get(".".join(parts[:i]) + ".")
            if unit is not None:
                by_unit[unit].append((member_id, org_id, org_path, status, exempted, name_sort))
                break
    decided_on = D(year + 1, 1, 15)
    campaigns = []
    for unit in grassroots.values():
        campaigns.append(Campaign(authority=unit, year=year, period_start=D(year, 1, 1), period_end=end,
                                  rules_key=rules.key, deadline=D(year, 12, 20), status=CampaignStatus.DECIDED,
                                  decision_no=f"{rng.randint(1, 40):02d}-QĐ/ĐU", decision_date=decided_on,
                                  decided_by=admin))  # fmt: skip
    Campaign.objects.bulk_create(campaigns)
    ratings = []
    for c in campaigns:
        rows = by_unit.get(c.authority, [])
        rated = []
        for member_id, org_id, org_path, status, exempted, name_sort in rows:
            r = Rating(campaign=c, member_id=member_id, cell_id=org_id, org_path=org_path, name_sort=name_sort,
                       probationary=status == MemberStatus.PROBATIONARY)  # fmt: skip
            when = admitted.get(member_id)
            if r.probationary and when and when > newly_after:
                r.not_rated, r.not_rated_note = NotRated.NEWLY_ADMITTED, f"kết nạp ngày {when:%d/%m/%Y}"
            elif exempted:
                r.not_rated = NotRated.EXEMPTED
            else:
                rated.append(r)
            ratings.append(r)
        clean = [r for r in rated if r.member_id not in disciplined]
        for r, level in zip(clean, _levels(rng, len(clean), binding=rng.random() < 0.35), strict=True):
            r.proposed_level = r.decided_level = level
        cap = rules.highest_allowed(disciplined=True) or L.DONE
        for r in rated:
            if r.member_id in disciplined:
                r.proposed_level = r.decided_level = cap
        for r in rated:
            r.score = _score(rng, rules, r.decided_level)
            r.self_level = r.decided_level if rng.random() < 0.8 else L.GOOD
    # The upper level rates the grassroots organizations (the bloc its 59 in 2013).
    uppers = defaultdict(list)
    for lk in links:
        if lk.organization.kind in GRASSROOTS_KINDS and lk.parent_id:
            uppers[lk.parent_id].append(lk)
    upper_orgs = Organization.objects.in_bulk(list(uppers))
    for parent_id, children in uppers.items():
        c = Campaign(authority=upper_orgs[parent_id], year=year, period_start=D(year, 1, 1), period_end=end,
                     rules_key=rules.key, deadline=D(year, 12, 20), status=CampaignStatus.DECIDED,
                     decision_no=f"{rng.randint(100, 900)}-QĐ/ĐU", decision_date=decided_on, decided_by=admin)  # fmt: skip
        c.save()
        for lk, level in zip(children, _levels(rng, len(children), binding=True), strict=True):
            ratings.append(Rating(campaign=c, subject_org=lk.organization, cell=lk.organization, org_path=lk.path,
                                  proposed_level=level, decided_level=level, self_level=level,
                                  score=_score(rng, rules, level)))  # fmt: skip
    Rating.objects.bulk_create(ratings, batch_size=2000)
    return len(campaigns) + len(uppers), len(ratings)


def write(*, admin, now: dt.date, personas: dict) -> dict:
    rng = random.Random(SEED)
    year = open_year(now)
    cell = Organization.objects.get(code=OPEN_IN)
    authority = cell.parent
    campaigns = ratings = 0
    for y in decided_years(now):
        # The open year's authority is left to the services below.
        c, r = _decide_year(rng, y, admin, skip=set())
        campaigns, ratings = campaigns + c, ratings + r
    services.tally_rebuild()  # the counts by level the campaign screens read, of the ratings written in bulk
    deadline = (
        max(now + dt.timedelta(days=20), D(year, 12, 20)) if year == now.year else now + dt.timedelta(days=20)
    )
    c = services.open_campaign(actor=admin, authority=authority, year=year, deadline=deadline)
    # A few members of the persona's cell have self-assessed; one entered by the secretary; none proposed yet.
    secretary = personas.get("bithu.chibo") or admin
    own_member = getattr(personas.get("dangvien"), "member_id", None)
    mine = [r for r in c.ratings.filter(cell=cell, not_rated="").select_related("member").order_by("id")
            if r.member_id != own_member]  # fmt: skip
    for i, r in enumerate(mine[: max(1, len(mine) // 2)]):
        level = L.GOOD if i % 4 else L.EXCELLENT
        actor = secretary if i == 0 else admin
        services.self_assess(actor=actor, rating=r, level=level,
                             text="Chấp hành tốt chủ trương, đường lối của Đảng; hoàn thành nhiệm vụ được giao.")  # fmt: skip
        if actor is admin:
            Rating.objects.filter(pk=r.pk).update(entered_on_behalf=False)
    return {"campaigns": campaigns + 1, "ratings": ratings + c.ratings.count()}
