"""Restructuring the organization tree (DOMAIN §1): move, rename, dissolve, merge, split and the bulk handover
of N organizations with their M members by one decision — each effective on a date, keeping history.

History is kept in two places, both split on the effective date:
* ``OrganizationLink`` rows (parent, name, path of each organization over time) — the tree on any date;
* ``MemberPeriod`` rows of the members under a moved organization — their ``org_path`` changes on the date,
  so the "as of" figures and the movement table of the old and the new parent stay exact. The split gives the
  same rows as re-deriving each member from its events (``members.history.replay``); a test checks it.

Members moved between cells (merge, split) get a "chuyển theo sắp xếp tổ chức" event each.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr

from dangbo.accounts import policy
from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.templatetags.vn import ngay
from dangbo.core.text import clean_text, fold
from dangbo.members.choices import ACTIVE_STATUSES, MemberStatus

from . import counts
from .choices import ALLOWED_PARENTS, CELL_KINDS, OrgKind
from .models import Organization, OrganizationLink
from .paths import child_path, subtree_q
from .selectors import valid_on


def _check_date(date: dt.date | None, org: Organization) -> None:
    if date is None:
        raise ApplicationError("Thiếu ngày có hiệu lực.", field_errors={"date": "Ngày có hiệu lực: không được để trống."})
    if date > today():
        raise ApplicationError("Ngày không hợp lệ.", field_errors={"date": "Ngày có hiệu lực: không được sau hôm nay."})
    latest = (
        OrganizationLink.objects.filter(subtree_q(org.path, "organization__path"), valid_to__isnull=True)
        .exclude(valid_from__isnull=True)
        .order_by("-valid_from")
        .values_list("valid_from", flat=True)
        .first()
    )
    if latest and date <= latest:
        raise ApplicationError(
            "Ngày có hiệu lực không hợp lệ.",
            field_errors={"date": f"Ngày có hiệu lực: phải sau lần thay đổi gần nhất trong tổ chức ({ngay(latest)})."},
        )
    if org.end_date:
        raise ApplicationError(f"«{org}» đã kết thúc hoạt động ngày {ngay(org.end_date)}.")


def _split_links(subtree: list[Organization], date: dt.date, changes: dict[int, dict], decision_no: str) -> None:
    """Close the open link of every organization in ``subtree`` on ``date`` and open one with the
    organization's (already updated) parent, name and path."""
    ids = [o.pk for o in subtree]
    OrganizationLink.objects.filter(organization_id__in=ids, valid_to__isnull=True).update(valid_to=date)
    OrganizationLink.objects.bulk_create(
        OrganizationLink(
            organization=o, parent_id=o.parent_id, name=o.name, path=o.path, valid_from=date,
            decision_no=changes.get(o.pk, {}).get("decision_no", decision_no),
        )
        for o in subtree
    )  # fmt: skip


def _split_member_periods(old_path: str, new_path: str, date: dt.date) -> int:
    """Members under the moved organization: periods running on ``date`` are cut there and continue with the
    new path; later periods (if any) just take the new path. Returns the number of periods cut."""
    from dangbo.members.choices import EventKind
    from dangbo.members.models import MemberPeriod

    scope = MemberPeriod.objects.filter(subtree_q(old_path, "org_path"))
    running = list(scope.filter(valid_from__lt=date).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=date)))
    n = len(running)
    successors = []
    for p in running:
        successors.append(
            MemberPeriod(
                member_id=p.member_id, organization_id=p.organization_id,
                org_path=new_path + p.org_path[len(old_path):], status=p.status, exempted=p.exempted,
                valid_from=date, valid_to=p.valid_to, start_kind=EventKind.RESTRUCTURE_MOVE, end_kind=p.end_kind,
            )
        )  # fmt: skip
    MemberPeriod.objects.filter(pk__in=[p.pk for p in running]).update(
        valid_to=date, end_kind=EventKind.RESTRUCTURE_MOVE
    )
    scope.filter(valid_from__gte=date).update(org_path=Concat(Value(new_path), Substr("org_path", len(old_path) + 1)))
    MemberPeriod.objects.bulk_create(successors, batch_size=2000)
    return n


def _repath(org: Organization, new_parent: Organization | None) -> tuple[str, str]:
    """Give ``org`` and its subtree the paths under ``new_parent`` (organizations and member records)."""
    from dangbo.members.models import Member

    old_path = org.path
    new_path = child_path(new_parent.path if new_parent else "", org.pk)
    delta = (new_parent.depth + 1 if new_parent else 0) - org.depth
    subtree = subtree_q(old_path)
    Organization.objects.filter(subtree).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + delta
    )
    Member.objects.filter(subtree_q(old_path, "org_path")).update(
        org_path=Concat(Value(new_path), Substr("org_path", len(old_path) + 1))
    )
    return old_path, new_path


def _repath_meetings(old_path: str, new_path: str, date: dt.date) -> None:
    """Meetings on or after the move date are held in the organization's new place in the tree."""
    from dangbo.meetings.models import Meeting

    Meeting.objects.filter(subtree_q(old_path, "org_path"), month__gte=date.replace(day=1)).exclude(
        planned_at__date__lt=date
    ).update(org_path=Concat(Value(new_path), Substr("org_path", len(old_path) + 1)))


def _repath_contributions(old_path: str, new_path: str, date: dt.date) -> None:
    """Support contributions dated on or after the move count for the organization's new place in the tree;
    earlier ones stay with the old parent (programme totals of past periods do not change)."""
    from dangbo.steering.models import Contribution

    Contribution.objects.filter(subtree_q(old_path, "org_path"), date__gte=date).update(
        org_path=Concat(Value(new_path), Substr("org_path", len(old_path) + 1))
    )


@transaction.atomic
def organization_move(
    *, actor, organization: Organization, new_parent: Organization, date: dt.date, decision_no: str = ""
) -> Organization:
    """Move an organization with everything under it to another parent, effective ``date``."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if not policy.can(actor, policy.CHANGE, org) or not policy.can_add_organization_under(actor, new_parent):
        raise PermissionDenied("Bạn không có quyền chuyển tổ chức này.")
    _check_date(date, org)
    errors = {}
    if new_parent.pk == org.parent_id:
        errors["new_parent"] = f"Trực thuộc: «{org}» đang trực thuộc «{new_parent}»."
    elif new_parent.path.startswith(org.path):
        errors["new_parent"] = "Trực thuộc: không chuyển được một tổ chức vào chính nó hoặc tổ chức cấp dưới của nó."
    elif new_parent.kind not in ALLOWED_PARENTS.get(org.kind, ()):
        names = ", ".join(OrgKind(k).label for k in ALLOWED_PARENTS.get(org.kind, ()) if k)
        errors["new_parent"] = f"Trực thuộc: {org.get_kind_display()} chỉ được đặt dưới {names}."
    elif new_parent.end_date or not OrganizationLink.objects.filter(valid_on(date), organization=new_parent).exists():
        errors["new_parent"] = f"Trực thuộc: «{new_parent}» không hoạt động vào ngày {ngay(date)}."
    if errors:
        raise ApplicationError("Chưa chuyển được tổ chức.", field_errors=errors)
    before = snapshot(org)
    official, probationary = org.official_count, org.probationary_count
    old_parent_path = org.parent.path if org.parent_id else ""
    counts.adjust(old_parent_path, MemberStatus.OFFICIAL, -official)
    counts.adjust(old_parent_path, MemberStatus.PROBATIONARY, -probationary)
    Organization.objects.filter(pk=org.pk).update(parent=new_parent)
    old_path, new_path = _repath(org, new_parent)
    counts.adjust(new_parent.path, MemberStatus.OFFICIAL, official)
    counts.adjust(new_parent.path, MemberStatus.PROBATIONARY, probationary)
    subtree = list(Organization.objects.filter(subtree_q(new_path)))
    _split_links(subtree, date, {}, clean_text(decision_no))
    _split_member_periods(old_path, new_path, date)
    _repath_meetings(old_path, new_path, date)
    _repath_contributions(old_path, new_path, date)
    org.refresh_from_db()
    record(
        actor=actor, action=Action.UPDATE, obj=org, before=before, scope_path=org.path,
        extra={"restructure": {"label": "Sắp xếp tổ chức", "before": "",
                               "after": f"Chuyển về trực thuộc {new_parent} từ {ngay(date)} ({decision_no})"}},
    )  # fmt: skip
    return org


@transaction.atomic
def organization_rename(
    *, actor, organization: Organization, name: str, date: dt.date, short_name: str | None = None,
    decision_no: str = "",
) -> Organization:
    """A new name from ``date``; the old name stays on the earlier link rows (reports of the past use it)."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if not policy.can(actor, policy.CHANGE, org):
        raise PermissionDenied("Bạn không có quyền đổi tên tổ chức này.")
    name = clean_text(name)
    if not name:
        raise ApplicationError("Thiếu tên mới.", field_errors={"name": "Tên tổ chức: không được để trống."})
    if name == org.name:
        raise ApplicationError("Tên không đổi.", field_errors={"name": "Tên tổ chức: trùng tên hiện tại."})
    _check_date(date, org)
    before = snapshot(org)
    org.name, org.name_norm = name, fold(name)
    if short_name is not None:
        org.short_name = clean_text(short_name)
    org.save()
    _split_links([org], date, {}, clean_text(decision_no))
    record(actor=actor, action=Action.UPDATE, obj=org, before=before, scope_path=org.path)
    return org


@transaction.atomic
def organization_dissolve(
    *, actor, organization: Organization, date: dt.date, decision_no: str = ""
) -> Organization:
    """End an organization (giải thể, or after a merge): it must have no members and no active children."""
    from dangbo.members.models import Member

    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if not policy.can(actor, policy.DELETE, org):
        raise PermissionDenied("Bạn không có quyền giải thể tổ chức này.")
    _check_date(date, org)
    if org.children.filter(end_date__isnull=True).exists():
        raise ApplicationError(f"«{org}» còn tổ chức trực thuộc đang hoạt động; hãy chuyển hoặc giải thể trước.")
    on_roll = Member.objects.filter(organization=org, status__in=[*ACTIVE_STATUSES, MemberStatus.IN_TRANSIT]).count()
    if on_roll:
        raise ApplicationError(f"«{org}» còn {on_roll} đảng viên; hãy chuyển sinh hoạt cho đảng viên trước.")
    before = snapshot(org)
    org.end_date, org.end_decision_no = date, clean_text(decision_no)
    org.save()
    OrganizationLink.objects.filter(organization=org, valid_to__isnull=True).update(valid_to=date)
    record(actor=actor, action=Action.UPDATE, obj=org, before=before, scope_path=org.path)
    return org


@transaction.atomic
def members_move(*, actor, members, cell: Organization, date: dt.date, decision_no: str = "") -> int:
    """Move members to ``cell`` by a restructuring decision (one "sắp xếp" event each)."""
    from dangbo.members import lifecycle
    from dangbo.members.choices import EventKind

    if cell.kind not in CELL_KINDS:
        raise ApplicationError("Nơi đến phải là một chi bộ.", field_errors={"cell": "Chi bộ: phải là chi bộ."})
    n = 0
    for member in members:
        lifecycle.event_record(
            actor=actor, member=member, kind=EventKind.RESTRUCTURE_MOVE, date=date, organization=cell,
            decision_no=decision_no,
        )  # fmt: skip
        n += 1
    return n


@transaction.atomic
def organization_merge(
    *, actor, sources: list[Organization], target: Organization, date: dt.date, decision_no: str = ""
) -> Organization:
    """Merge ``sources`` into ``target`` (hợp nhất/sáp nhập): their sub-organizations move under the target,
    their members into the target cell, then each source ends."""
    from dangbo.members.models import Member

    for src in sources:
        src = Organization.objects.get(pk=src.pk)
        if src.pk == target.pk or target.path.startswith(src.path):
            raise ApplicationError("Tổ chức nhận phải khác và không nằm dưới tổ chức được hợp nhất.")
        for child in src.children.filter(end_date__isnull=True):
            organization_move(actor=actor, organization=child, new_parent=target, date=date, decision_no=decision_no)
        members = Member.objects.filter(organization=src, status__in=ACTIVE_STATUSES)
        if members.exists():
            if not target.is_cell:
                raise ApplicationError(f"«{src}» có đảng viên: tổ chức nhận phải là một chi bộ.")
            members_move(actor=actor, members=list(members), cell=target, date=date, decision_no=decision_no)
        organization_dissolve(actor=actor, organization=src, date=date, decision_no=decision_no)
    return target


@transaction.atomic
def organization_split(
    *, actor, source: Organization, data: dict, members, date: dt.date, decision_no: str = ""
) -> Organization:
    """Split off a new organization beside ``source`` (tách): found it and move the chosen members to it."""
    from . import services

    data = {**data, "founding_date": date, "founding_decision_no": decision_no}
    new = services.organization_create(actor=actor, parent=source.parent, data=data)
    members = list(members)
    if any(m.organization_id != source.pk for m in members):
        raise ApplicationError("Chỉ chuyển được đảng viên của tổ chức được tách.")
    if members:
        members_move(actor=actor, members=members, cell=new, date=date, decision_no=decision_no)
    return new


@transaction.atomic
def handover(
    *, actor, organizations: list[Organization], new_parent: Organization, date: dt.date, decision_no: str
) -> dict:
    """Hand over N organizations with their M members to another committee by one decision."""
    members = 0
    for org in organizations:
        org = Organization.objects.get(pk=org.pk)
        members += org.member_count
        organization_move(actor=actor, organization=org, new_parent=new_parent, date=date, decision_no=decision_no)
    return {"organizations": len(organizations), "members": members}
