"""Restructuring the organization tree (DOMAIN §1): move, rename, dissolve, merge, split and the bulk handover
of N organizations with their M members by one decision — each effective on a date, keeping history.

History is kept in two places, both split on the effective date:
* ``OrganizationLink`` rows (parent, name, path of each organization over time) — the tree on any date;
* ``MemberPeriod`` rows of the members under a moved organization — their ``org_path`` changes on the date,
  so the "as of" figures and the movement table of the old and the new parent stay exact. The split gives the
  same rows as re-deriving each member from its events (``members.history.rules.replay``); a test checks it.

Members moved between cells (merge, split) get a "chuyển theo sắp xếp tổ chức" event each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.formats import ngay
from dangbo.core.policies import subtree_q
from dangbo.core.registries import DISSOLVE_CHECKS, PATH_TABLES
from dangbo.core.text import clean_text, fold

from ..choices import ALLOWED_PARENTS, AuditEvents, OrgKind
from ..models import Organization, OrganizationLink
from ..policies import can_add_under
from ..selectors import tree_changed
from .selectors import add_along_path, child_path, valid_on


@dataclass(frozen=True)
class PathTable:
    """A table whose rows carry the ``org_path`` of an organization (``PATH_TABLES``, registered by the app that owns
    it), and what a move of that organization does to them, effective on the move's date:

    * ``dated_by`` empty — the rows follow the organization's place today (every row under it is re-pathed);
    * ``dated_by`` a lookup ("date", "planned_at__date") — the rows of that date on or after the move are re-pathed,
      earlier ones stay where the organization was then (figures of past periods do not change);
    * ``repath`` — the app's own function ``(old_path, new_path, date)`` (roll periods are cut on the date)."""

    model: str  # "app_label.ModelName"
    field: str = "org_path"
    dated_by: str = ""
    repath: Callable[[str, str, dt.date], object] | None = None

    def move(self, old_path: str, new_path: str, date: dt.date) -> None:
        if self.repath is not None:
            self.repath(old_path, new_path, date)
            return
        rows = apps.get_model(self.model).objects.filter(subtree_q(old_path, self.field))
        if self.dated_by:
            rows = rows.filter(**{f"{self.dated_by}__gte": date})
        rows.update(**{self.field: Concat(Value(new_path), Substr(self.field, len(old_path) + 1))})


def _date_problems(date: dt.date | None, org: Organization) -> dict[str, str]:
    """What is wrong with a restructuring of ``org`` effective ``date`` — as field errors, so a service can
    report them with its other problems in one round (``"organization"``: the organization itself has ended)."""
    errors = {}
    if org.end_date:
        errors["organization"] = f"«{org}» đã kết thúc hoạt động ngày {ngay(org.end_date)}."
    if date is None:
        errors["date"] = "Ngày có hiệu lực: không được để trống."
        return errors
    if date > today():
        errors["date"] = "Ngày có hiệu lực: không được sau hôm nay."
        return errors
    latest = (
        OrganizationLink.objects.filter(subtree_q(org.path, "organization__path"), valid_to__isnull=True)
        .exclude(valid_from__isnull=True)
        .order_by("-valid_from")
        .values_list("valid_from", flat=True)
        .first()
    )
    if latest and date <= latest:
        errors["date"] = f"Ngày có hiệu lực: phải sau lần thay đổi gần nhất trong tổ chức ({ngay(latest)})."
    return errors


def _refuse(heading: str, errors: dict[str, str]) -> None:
    """Raise every problem found at once (nothing to raise when there is none). A problem of no field (the
    organization has ended, it still has active children …) is also the error's message, for callers that show
    only that."""
    if errors:
        fields = ("date", "name", "short_name", "new_parent", "decision_no")
        heading = next((m for k, m in errors.items() if k not in fields), heading)
        raise ApplicationError(heading, field_errors=errors)


def _split_links(
    subtree: list[Organization], date: dt.date, changes: dict[int, dict], decision_no: str
) -> None:
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


def _repath(org: Organization, new_parent: Organization | None) -> tuple[str, str]:
    """Give ``org`` and its subtree the paths under ``new_parent``."""
    old_path = org.path
    new_path = child_path(new_parent.path if new_parent else "", org.pk)
    delta = (new_parent.depth + 1 if new_parent else 0) - org.depth
    subtree = subtree_q(old_path)
    Organization.objects.filter(subtree).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + delta
    )
    tree_changed()  # the cached organization pickers
    return old_path, new_path


@transaction.atomic
def organization_move(
    *, actor, organization: Organization, new_parent: Organization, date: dt.date, decision_no: str = ""
) -> Organization:
    """Move an organization with everything under it to another parent, effective ``date``."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if not policies.can(actor, policies.CHANGE, org) or (
        new_parent is not None and not can_add_under(actor, new_parent)
    ):
        raise PermissionDenied("Bạn không có quyền chuyển tổ chức này.")
    errors = _date_problems(date, org)
    if new_parent is None:
        errors["new_parent"] = "Trực thuộc: không được để trống."
    elif new_parent.pk == org.parent_id:
        errors["new_parent"] = f"Trực thuộc: «{org}» đang trực thuộc «{new_parent}»."
    elif new_parent.path.startswith(org.path):
        errors["new_parent"] = (
            "Trực thuộc: không chuyển được một tổ chức vào chính nó hoặc tổ chức cấp dưới của nó."
        )
    elif new_parent.kind not in ALLOWED_PARENTS.get(org.kind, ()):
        names = ", ".join(OrgKind(k).label for k in ALLOWED_PARENTS.get(org.kind, ()) if k)
        errors["new_parent"] = f"Trực thuộc: {org.get_kind_display()} chỉ được đặt dưới {names}."
    elif new_parent.end_date or (
        "date" not in errors
        and not OrganizationLink.objects.filter(valid_on(date), organization=new_parent).exists()
    ):
        when = f" vào ngày {ngay(date)}" if "date" not in errors else ""
        errors["new_parent"] = f"Trực thuộc: «{new_parent}» không hoạt động{when}."
    _refuse("Chưa chuyển được tổ chức.", errors)
    before = snapshot(org)
    official, probationary = org.official_count, org.probationary_count
    old_parent_path = org.parent.path if org.parent_id else ""
    add_along_path(old_parent_path, official_count=-official, probationary_count=-probationary)
    Organization.objects.filter(pk=org.pk).update(parent=new_parent)
    old_path, new_path = _repath(org, new_parent)
    add_along_path(new_parent.path, official_count=official, probationary_count=probationary)
    subtree = list(Organization.objects.filter(subtree_q(new_path)))
    _split_links(subtree, date, {}, clean_text(decision_no))
    for table in PATH_TABLES:  # every table carrying an org_path, registered by its app
        table.move(old_path, new_path, date)
    org.refresh_from_db()
    record(
        actor=actor, action=Action.UPDATE, obj=org, before=before, scope_path=org.path, event=AuditEvents.MOVE,
        extra={"restructure": {"label": "Sắp xếp tổ chức", "before": "",
                               "after": f"Chuyển về trực thuộc {new_parent} từ {ngay(date)} ({decision_no})"}},
    )  # fmt: skip
    return org


@transaction.atomic
def organization_rename(
    *,
    actor,
    organization: Organization,
    name: str,
    date: dt.date,
    short_name: str | None = None,
    decision_no: str = "",
) -> Organization:
    """A new name from ``date``; the old name stays on the earlier link rows (reports of the past use it)."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if not policies.can(actor, policies.CHANGE, org):
        raise PermissionDenied("Bạn không có quyền đổi tên tổ chức này.")
    name = clean_text(name)
    errors = _date_problems(date, org)
    if not name:
        errors["name"] = "Tên mới: không được để trống."
    elif name == org.name:
        errors["name"] = "Tên mới: trùng tên hiện tại."
    _refuse("Chưa đổi được tên tổ chức.", errors)
    before = snapshot(org)
    org.name, org.name_norm = name, fold(name)
    if short_name is not None:
        org.short_name = clean_text(short_name)
    org.save()
    _split_links([org], date, {}, clean_text(decision_no))
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=org,
        before=before,
        scope_path=org.path,
        event=AuditEvents.RENAME,
    )
    return org


@transaction.atomic
def organization_dissolve(
    *, actor, organization: Organization, date: dt.date, decision_no: str = ""
) -> Organization:
    """End an organization (giải thể, or after a merge): it must have no active children, and nothing the apps
    registered in ``DISSOLVE_CHECKS`` may stand in the way (members still on its roll)."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if not policies.can(actor, policies.DELETE, org):
        raise PermissionDenied("Bạn không có quyền giải thể tổ chức này.")
    errors = _date_problems(date, org)
    if org.children.filter(end_date__isnull=True).exists():
        errors["children"] = f"«{org}» còn tổ chức trực thuộc đang hoạt động; hãy chuyển hoặc giải thể trước."
    for number, check in enumerate(DISSOLVE_CHECKS):
        if problem := check(org):
            errors[f"check{number}"] = problem
    _refuse("Chưa giải thể được tổ chức.", errors)
    before = snapshot(org)
    org.end_date, org.end_decision_no = date, clean_text(decision_no)
    org.save()
    OrganizationLink.objects.filter(organization=org, valid_to__isnull=True).update(valid_to=date)
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=org,
        before=before,
        scope_path=org.path,
        event=AuditEvents.DISSOLVE,
    )
    return org


@transaction.atomic
def handover(
    *, actor, organizations: list[Organization], new_parent: Organization, date: dt.date, decision_no: str
) -> dict:
    """Hand over N organizations with their M members to another committee by one decision."""
    members = 0
    for org in organizations:
        org = Organization.objects.get(pk=org.pk)
        members += org.member_count
        organization_move(
            actor=actor, organization=org, new_parent=new_parent, date=date, decision_no=decision_no
        )
    return {"organizations": len(organizations), "members": members}
