"""Party dues of the demo (DOMAIN §5): a basis for every member on a roll, the last few months' sheets of every
cell (most members paid in cash or through the portal, a few arrears, an exemption and a reduction), and the
remittances of the earlier months sent and received up the tree. A few months only, so the load stays fast; the
amounts follow the rule set of each month (``dues.rules``).

Planted: in the persona's cell (KCQ-SYT-01) one member has paid nothing for the last three months (the Charter's
removal flag on the secretary's home page), one is exempt (poor household) and one has a 50% reduction.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db.models import Q

from dangbo.core.dates import add_months, full_years
from dangbo.dues import rollup
from dangbo.dues.choices import Exemption, Group, Way
from dangbo.dues.models import DuesBasis, DuesPayment, DuesSheet, Remittance
from dangbo.dues.rules import rules_on, split
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member, MemberPeriod
from dangbo.organizations.models import Organization

MONTHS = 5  # the months before the current one
SEED = 16
PLANTED_CELL = "KCQ-SYT-01"


def write(now: dt.date, admin=None) -> dict:
    rng = random.Random(SEED)
    this_month = now.replace(day=1)
    months = [add_months(this_month, -n) for n in range(MONTHS, 0, -1)]
    start, end = months[0], this_month
    periods = (
        MemberPeriod.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start), valid_from__lt=end,
                                    status__in=ACTIVE_STATUSES)
        .order_by("member_id", "valid_from").values_list("member_id", "organization_id", "org_path", "valid_from", "valid_to")
    )  # fmt: skip
    # Per month, each member owes to the first cell they were on the roll of in that month.
    owner: dict[tuple[int, dt.date], tuple[int, str]] = {}
    for member_id, org_id, path, since, until in periods.iterator():
        for month in months:
            nxt = add_months(month, 1)
            if since < nxt and (until is None or until > month):
                owner.setdefault((member_id, month), (org_id, path))
    member_ids = sorted({m for m, _ in owner})
    admitted = dict(Member.objects.filter(pk__in=member_ids).values_list("pk", "admission_decision_date"))
    planted_cell = Organization.objects.filter(code=PLANTED_CELL).first()
    last_three = months[-3:]
    # Members of the persona's cell in each of the last three months (the planted ones must stay there throughout).
    planted = sorted(m for m in {m for (m, _), (o, _) in owner.items() if planted_cell and o == planted_cell.pk}
                     if all(owner.get((m, mo), (None,))[0] == planted_cell.pk for mo in last_three))  # fmt: skip
    bases = []
    basis_of: dict[int, DuesBasis] = {}
    for member_id in member_ids:
        r = rng.random()
        if r < 0.75:
            b = DuesBasis(member_id=member_id, group=Group.SALARY, basis=rng.randrange(5_000, 16_000) * 1000)
        elif r < 0.92:
            b = DuesBasis(member_id=member_id, group=Group.PENSION, basis=rng.randrange(4_000, 12_000) * 1000)
        else:
            b = DuesBasis(member_id=member_id, group=Group.OTHER, basis=rng.choice([10_000, 15_000, 20_000]))
        b.valid_from = start
        basis_of[member_id] = b
        bases.append(b)
    planted = [
        m for m in planted if not admitted.get(m) or full_years(admitted[m], now) < 49
    ]  # owing something
    late, exempt, reduced = (
        (planted[-1], planted[-2], planted[-3]) if len(planted) >= 3 else (None, None, None)
    )
    if exempt:
        basis_of[exempt].exemption, basis_of[exempt].decision_no = Exemption.POOR, "15-QĐ/ĐU"
    if reduced:
        basis_of[reduced].reduction_percent, basis_of[reduced].decision_no = 50, "16-QĐ/ĐU"
        basis_of[reduced].relief_until = add_months(start, 11)
    DuesBasis.objects.bulk_create(bases, batch_size=2000)
    # A few members elsewhere pay late (1–2 months unpaid) — the arrears page has content beyond the planted one.
    sometimes_late = set(rng.sample(member_ids, min(len(member_ids), 25)))
    payments, collected = [], defaultdict(int)
    for (member_id, month), (org_id, path) in owner.items():
        rules = rules_on(month)
        b = basis_of[member_id]
        last_day = add_months(month, 1) - dt.timedelta(days=1)
        ex = bool(b.exemption) or bool(rules.party_age_exempt_years and admitted.get(member_id)
                                       and full_years(admitted[member_id], last_day) >= rules.party_age_exempt_years)  # fmt: skip
        owed = rules.owed(b.group, b.basis, exempt=ex, reduction=0 if ex else b.reduction_percent)
        paid = owed
        if member_id == late and month in last_three:
            paid = 0
        elif member_id in sometimes_late and month == months[-1] and rng.random() < 0.6:
            paid = 0
        day = month + dt.timedelta(days=rng.randrange(2, 12))
        way = (Way.PORTAL if rng.random() < 0.2 else Way.CASH) if paid else ""
        payments.append(DuesPayment(member_id=member_id, month=month, organization_id=org_id, org_path=path, owed=owed,
                                    paid=paid, paid_on=day if paid else None, way=way, recorded_by=admin))  # fmt: skip
        collected[(org_id, month)] += paid
    DuesPayment.objects.bulk_create(payments, batch_size=5000)
    totals: dict[tuple[int, dt.date], list] = {}
    for p in payments:
        t = totals.setdefault((p.organization_id, p.month), [p.org_path, 0, 0, 0])
        t[1], t[2], t[3] = t[1] + 1, t[2] + p.owed, t[3] + p.paid
    DuesSheet.objects.bulk_create([
        DuesSheet(organization_id=o, month=m, org_path=path, version=1, updated_by=admin, members=n, owed=owed, paid=paid)
        for (o, m), (path, n, owed, paid) in totals.items()], batch_size=2000)  # fmt: skip
    rollup.rebuild(months)  # the totals per organization and month at every level, from these sheets
    # Remittances up the tree for every month but the last (still being collected): each level keeps its share of
    # what it took and sends the rest, received a few days later.
    orgs = {o.pk: o for o in Organization.objects.all()}
    remits = []
    for month in months[:-1]:
        takings = defaultdict(int)
        for (org_id, m), amount in collected.items():
            if m == month:
                takings[org_id] += amount
        rules = rules_on(month)
        pending = dict(takings)
        for org in sorted(orgs.values(), key=lambda o: -o.depth):
            amount = pending.pop(org.pk, 0)
            if not amount or org.parent_id is None or org.end_date is not None:
                continue
            _kept, up = split(amount, rules.keep_percent(org))
            if up <= 0:
                continue
            sent = add_months(month, 1) + dt.timedelta(days=4 + org.depth)
            remits.append(Remittance(from_organization=org, to_organization_id=org.parent_id, month=month, amount=up,
                                     sent_on=sent, received_on=sent + dt.timedelta(days=2), sent_by=admin,
                                     received_by=admin))  # fmt: skip
            pending[org.parent_id] = pending.get(org.parent_id, 0) + up
    Remittance.objects.bulk_create(remits, batch_size=2000)
    return {"bases": len(bases), "payments": len(payments), "remittances": len(remits)}
