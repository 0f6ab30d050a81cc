"""Every registry of the project, in one place.

A registry is how a lower layer offers a place that higher apps fill, so that dependencies point down: the home
page lists reminders without importing the apps that raise them, a congress target reads a figure computed by the
app that owns the data, restructuring re-paths tables it does not know. The registries are declared here; apps
add their entries in ``AppConfig.ready()``.

| registry | entry | filled by |
|---|---|---|
| ``ALERT_SOURCES`` | ``fn(actor, on) -> list[Alert]``: reminders of what needs doing | members, meetings, steering, … |
| ``REMOVAL_SIGNALS`` | ``fn(actor, on) -> list[Alert]``: removal candidates (Charter: absent or unpaid 3 months) | meetings (absences), dues (arrears) |
| ``TARGET_SOURCES`` | ``steering.targets`` ``Source``: a congress target's figure from the record | steering, meetings, … |
| ``PATH_TABLES`` | ``organizations.tree.services.PathTable``: a table carrying an ``org_path`` and how a move re-paths it | every app with such a column |
| ``HEALTH_REPORTS`` | ``fn(healthy) -> dict``: fields added to ``/suc-khoe/`` | jobs (the job queue) |
| ``AUDIT_EVENTS`` | code → label of a business event written to the audit log (``audit.services.record(event=…)``) | every app, from its ``AuditEvents`` choices (``register_audit_events``) |
| ``PAID_UP_TO`` | ``fn(member) -> date | None``: the month up to which the member's dues are paid, from a ledger | dues |
| ``REPORT_SECTIONS`` | ``fn(actor, organization, start, end) -> Section``: the figures of one area for a review report — any object with ``key``, ``title``, ``figures`` (a dict; ``figures["lines"]``: its own sentences) and ``rows`` (``reports.selectors.Section``), scope-checked | reports (headcount, movement, meetings, tasks, targets, support); evaluation, dues |
| ``EVIDENCE_SOURCES`` | ``fn(member_ids, start, end) -> {member_id: [item]}``: evidence of members' ratings for a period from a higher app's record, one query for many members; an item has ``kind``, ``text``, ``url``, ``warn`` (``evaluation.evidence.selectors.Item``) | dues (arrears) |
| ``IMPORT_KINDS`` | ``core.imports.ImportKind``: a kind of row imported from XLSX/CSV (columns, natural key, row → service) | organizations, members, dues, evaluation |
| ``EXPORT_LISTS`` | ``core.exports.ExportList``: a list exported to XLSX from the page's own FilterSet | members, organizations, meetings, steering |
| ``FACT_CHANGES`` | ``fn(area, organization_ids, since)``: the facts of an area ("members": the roll periods, the records; "meetings": the meetings not cancelled, their roll call, minutes and grades) changed at these cells from ``since`` on — called in the transaction of the change (members, meetings) | reports (rollups) |
| ``NAME_COPIES`` | ``fn(member)``: a member's name changed — rewrite the copies of its sort key (``name_sort``) another table keeps for its own order, in the transaction of the change (``name_changed``) | evaluation (ratings) |
| ``DISSOLVE_CHECKS`` | ``fn(organization) -> str | None``: why an organization cannot end yet | members (members still on its roll) |
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Named entries in the order they were registered; registering a key again replaces its entry."""

    def __init__(self, name: str):
        self.name = name
        self._entries: dict[str, T] = {}

    def register(self, key: str, entry: T) -> T:
        self._entries[key] = entry
        return entry

    def get(self, key: str) -> T | None:
        return self._entries.get(key)

    def keys(self) -> list[str]:
        return list(self._entries)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._entries.values()))

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: str) -> bool:
        return key in self._entries


ALERT_SOURCES: Registry = Registry("nhắc việc trên trang chủ")
REMOVAL_SIGNALS: Registry = Registry("dấu hiệu đề nghị xóa tên")
TARGET_SOURCES: Registry = Registry("nguồn số liệu của chỉ tiêu đại hội")
PATH_TABLES: Registry = Registry("bảng mang đường dẫn tổ chức (org_path)")
DISSOLVE_CHECKS: Registry = Registry("điều kiện trước khi giải thể tổ chức")
HEALTH_REPORTS: Registry = Registry("mục của kiểm tra sức khỏe /suc-khoe/")
AUDIT_EVENTS: Registry = Registry("việc ghi vào nhật ký thay đổi")
PAID_UP_TO: Registry = Registry("đảng phí đã đóng đến hết tháng (sổ đảng phí)")
REPORT_SECTIONS: Registry = Registry("mục số liệu của báo cáo sơ kết, tổng kết")
EVIDENCE_SOURCES: Registry = Registry("minh chứng đánh giá, xếp loại đảng viên từ hồ sơ")
IMPORT_KINDS: Registry = Registry("loại dữ liệu nhập từ tệp Excel/CSV")
EXPORT_LISTS: Registry = Registry("danh sách xuất ra tệp Excel")
FACT_CHANGES: Registry = Registry("số liệu tổng hợp theo dõi thay đổi dữ liệu gốc")
NAME_COPIES: Registry = Registry("bản sao khóa sắp xếp tên đảng viên")


def facts_changed(area: str, organization_ids, since) -> None:
    """Tell every ``FACT_CHANGES`` entry that the facts of ``area`` changed at ``organization_ids`` from ``since``."""
    for fn in FACT_CHANGES:
        fn(area, organization_ids, since)


def name_changed(member) -> None:
    """Tell every ``NAME_COPIES`` entry that ``member``'s name (and so its ``name_sort``) changed."""
    for fn in NAME_COPIES:
        fn(member)


def paid_up_to(member):
    """The month up to which ``member``'s dues are paid, from the first registered ledger that knows; else None."""
    for fn in PAID_UP_TO:
        if (month := fn(member)) is not None:
            return month
    return None


def register_audit_events(choices) -> None:
    """Register an app's ``AuditEvents`` (a TextChoices whose values are "app.object.verb")."""
    for value, label in choices.choices:
        AUDIT_EVENTS.register(value, label)
