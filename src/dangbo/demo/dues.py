"""Party dues of the demo (DOMAIN §5) from January 2010 (both rule sets) — or from the month of the setting
``DANGBO_DEMO_DUES_FROM`` (empty: January of last year, see ``start``) — to last month: a basis for every member on a roll (salaries
and pensions raised with the base salary in 2012, 2016, 2019, 2023 and 2024), each month's row of every member
(owed by the rule set of the month: QĐ 342-QĐ/TW, then QĐ 01-QĐ/TW from February 2026 — months before QĐ 342
took effect in April 2011 are judged by it too, the oldest rules held), each cell's month sheet, the totals per
organization and month at every level (``dues.services``, section totals), and the remittances of every month but the last sent and
received up the tree *of that month* (the bloc until 13/02/2025, the two new committees after). Written with plain
INSERTs (COPY on PostgreSQL) month by month, so memory stays flat.

Planted: in the persona's cell (KCQ-SYT-01) one member has paid nothing for the last three months (the Charter's
removal flag on the secretary's home page), one is exempt (poor household) and one has a 50% reduction; a few
members elsewhere are late for a month or two now and then.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.conf import settings
from django.db import connection
from django.db.models import Q

from dangbo.core import dates
from dangbo.core.dates import add_months, full_years
from dangbo.dues import selectors as dues_selectors
from dangbo.dues import services as dues_services
from dangbo.dues.choices import Exemption, Group, Way
from dangbo.dues.models import DuesBasis, DuesPayment, DuesSheet, Remittance
from dangbo.dues.rules import rules_on, split
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member, MemberPeriod
from dangbo.organizations.models import Organization

EARLIEST = dt.date(2010, 1, 1)
RAISES = {dt.date(2012, 5, 1): 1.26, dt.date(2016, 7, 1): 1.05, dt.date(2019, 7, 1): 1.07, dt.date(2023, 7, 1): 1.2,
          dt.date(2024, 7, 1): 1.3}  # base salary changes (lương cơ sở): salaries and pensions follow  # fmt: skip
SEED = 16
PLANTED_CELL = "KCQ-SYT-01"
LATE_SHARE = 0.004  # a member-month now and then paid late (still unpaid when the sheet was saved)


def start(now: dt.date) -> dt.date:
    """The first month of the demo's dues: ``DANGBO_DEMO_DUES_FROM`` (default 01/2010, the whole history the issue
    asks for: the bloc's totals by year from 2010; 1,4 million member-months: measured
    on 07/12/2026 a first start takes 71 s of CPU instead of 31 s, and the SQLite file ~300 MB more); empty: January
    of last year (the test suite's demo, loaded five times a run: ``tests/conftest.py``)."""
    raw = str(getattr(settings, "DANGBO_DEMO_DUES_FROM", "") or "").strip()
    try:
        month = dt.datetime.strptime("01/" + raw, "%d/%m/%Y").date() if raw else dt.date(now.year - 1, 1, 1)
    except ValueError:
        month = dt.date(now.year - 1, 1, 1)
    return max(EARLIEST, month)


def write(now: dt.date, admin=None, *, insert) -> dict:
    """``insert(model, columns, rows)``: the loader's bulk insert (plain INSERTs on SQLite, COPY on PostgreSQL)."""

    rng = random.Random(SEED)
    this_month = now.replace(day=1)
    first_month = start(now)
    months = []
    month = first_month
    while month < this_month:
        months.append(month)
        month = add_months(month, 1)
    periods: dict[int, list[tuple[int, str, dt.date, dt.date | None]]] = defaultdict(list)
    for member_id, org_id, path, since, until in (
        MemberPeriod.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=first_month), valid_from__lt=this_month,
                                    status__in=ACTIVE_STATUSES)
        .order_by("member_id", "valid_from").values_list("member_id", "organization_id", "org_path", "valid_from", "valid_to")
    ):  # fmt: skip
        periods[member_id].append((org_id, path, since, until))
    admitted = dict(Member.objects.filter(pk__in=list(periods)).values_list("pk", "admission_decision_date"))

    # Bases: one per member from their first month on a roll, and one per raise after it.
    bases: list[DuesBasis] = []
    basis_rows: dict[int, list[DuesBasis]] = {}
    for member_id, ps in periods.items():
        first = max(first_month, ps[0][2].replace(day=1))
        r = rng.random()
        if r < 0.75:
            group, amount = Group.SALARY, rng.randrange(2_000, 7_000) * 1000
        elif r < 0.92:
            group, amount = Group.PENSION, rng.randrange(1_800, 5_000) * 1000
        else:
            group, amount = Group.OTHER, rng.choice([10_000, 15_000, 20_000])
        rows = [DuesBasis(member_id=member_id, valid_from=first, group=group, basis=amount)]
        for day, factor in RAISES.items():
            if day > first and group != Group.OTHER:
                amount = round(amount * factor, -3)
                rows.append(DuesBasis(member_id=member_id, valid_from=day, group=group, basis=amount))
        basis_rows[member_id] = rows
        bases.extend(rows)

    # The planted cases: members of the persona's cell through the last three months, owing something.
    planted_cell = Organization.objects.filter(code=PLANTED_CELL).first()
    last_three = months[-3:]

    def owner(member_id: int, month: dt.date):
        nxt = add_months(month, 1)
        for org_id, path, since, until in periods[member_id]:
            if since < nxt and (until is None or until > month):
                return org_id, path
        return None

    planted = sorted(
        m for m in periods
        if planted_cell and all((owner(m, mo) or (None,))[0] == planted_cell.pk for mo in last_three)
        and (not admitted.get(m) or full_years(admitted[m], now) < 49)
    )  # fmt: skip
    late, exempt, reduced = (
        (planted[-1], planted[-2], planted[-3]) if len(planted) >= 3 else (None, None, None)
    )
    relief_from = last_three[0] if last_three else first_month
    for member_id, ex, red in ((exempt, Exemption.POOR, 0), (reduced, "", 50)):
        if member_id is None:
            continue
        last = basis_rows[member_id][-1]
        b = DuesBasis(member_id=member_id, valid_from=relief_from, group=last.group, basis=last.basis, exemption=ex,
                      reduction_percent=red, decision_no="15-QĐ/ĐU" if ex else "16-QĐ/ĐU",
                      relief_until=add_months(relief_from, 11) if red else None)  # fmt: skip
        basis_rows[member_id] = [x for x in basis_rows[member_id] if x.valid_from < relief_from] + [b]
        bases[:] = [x for x in bases if not (x.member_id == member_id and x.valid_from >= relief_from)] + [b]
    DuesBasis.objects.bulk_create(bases, batch_size=5000)

    def basis_on(member_id: int, month: dt.date) -> DuesBasis:
        current = basis_rows[member_id][0]
        for b in basis_rows[member_id]:
            if b.valid_from <= month:
                current = b
        return current

    stamp = connection.ops.adapt_datetimefield_value(dates.now())
    admin_id = admin.pk if admin else None
    orgs = {o.pk: o for o in Organization.objects.all()}
    payments = remitted = sheets_written = 0
    sheet_rows, remit_rows = [], []
    owed_cache: dict[tuple, int] = {}
    for month in months:
        rules = rules_on(month)
        last_day = add_months(month, 1) - dt.timedelta(days=1)
        rows, totals = [], {}
        for member_id in periods:
            place = owner(member_id, month)
            if place is None:
                continue
            org_id, path = place
            b = basis_on(member_id, month)
            relief = b.relief_until is None or month <= b.relief_until
            ex = bool(b.exemption and relief) or bool(
                rules.party_age_exempt_years and admitted.get(member_id)
                and full_years(admitted[member_id], last_day) >= rules.party_age_exempt_years
            )  # fmt: skip
            key = (id(b), rules.source, ex, relief)
            owed = owed_cache.get(key)
            if owed is None:
                owed = owed_cache[key] = rules.owed(b.group, b.basis, exempt=ex,
                                                    reduction=0 if ex or not relief else b.reduction_percent)  # fmt: skip
            paid = owed
            if (member_id == late and month in last_three) or (owed and rng.random() < LATE_SHARE):
                paid = 0
            day = month + dt.timedelta(days=rng.randrange(2, 12))
            way = (
                (Way.PORTAL if month >= dt.date(2024, 1, 1) and rng.random() < 0.2 else Way.CASH)
                if paid
                else ""
            )
            rows.append(
                (member_id, month, org_id, path, owed, paid, day if paid else None, way, admin_id, stamp)
            )
            t = totals.setdefault(org_id, [path, 0, 0, 0])
            t[1], t[2], t[3] = t[1] + 1, t[2] + owed, t[3] + paid
        insert(DuesPayment, ["member", "month", "organization", "org_path", "owed", "paid", "paid_on", "way",
                              "recorded_by", "updated_at"], rows)  # fmt: skip
        payments += len(rows)
        sheet_rows.extend(
            (o, month, path, 1, n, owed, paid, admin_id, stamp) for o, (path, n, owed, paid) in totals.items()
        )
        if month == months[-1]:
            continue  # still being collected: nothing sent up yet
        # Up the tree of the month (the cells' paths then): each level keeps its share and sends the rest.
        parent_of: dict[int, int | None] = {}
        depth: dict[int, int] = {}
        for path, *_ in totals.values():
            ids = dues_selectors.ancestors(path)
            for i, pk in enumerate(ids):
                parent_of[pk], depth[pk] = (ids[i - 1] if i else None), i
        pending = {o: t[3] for o, t in totals.items()}
        for pk in sorted(parent_of, key=lambda pk: -depth[pk]):
            amount = pending.pop(pk, 0)
            if not amount or parent_of[pk] is None:
                continue
            _kept, up = split(amount, rules.keep_percent(orgs[pk]))
            if up <= 0:
                continue
            sent = add_months(month, 1) + dt.timedelta(days=4 + depth[pk])
            remit_rows.append((pk, parent_of[pk], month, up, sent, sent + dt.timedelta(days=2), admin_id, admin_id,
                               stamp, stamp))  # fmt: skip
            pending[parent_of[pk]] = pending.get(parent_of[pk], 0) + up
    insert(DuesSheet, ["organization", "month", "org_path", "version", "members", "owed", "paid", "updated_by",
                        "updated_at"], sheet_rows)  # fmt: skip
    insert(Remittance, ["from_organization", "to_organization", "month", "amount", "sent_on", "received_on",
                         "sent_by", "received_by", "created_at", "updated_at"], remit_rows)  # fmt: skip
    sheets_written, remitted = len(sheet_rows), len(remit_rows)
    dues_services.totals_rebuild()  # the totals per organization and month at every level, from these sheets
    return {"bases": len(bases), "payments": payments, "sheets": sheets_written, "remittances": remitted}
