"""The one filter definition of each steering list (documents, tasks): used by the page and the export
(``steering/exports.py``) — what you see is what you export. The parameter names are the pages' own (``loai``,
``loai_vb``, ``nam``, ``so``, ``q``); a value that does not parse is ignored, as the pages always did."""

from __future__ import annotations

import django_filters
from django.db.models import Max

from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.http import int_param

from .choices import Direction
from .documents import selectors as document_selectors
from .models import Document, Task
from .tasks import selectors as task_selectors


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tìm kiếm", method="filter_q")
    loai = django_filters.ChoiceFilter(label="Loại sổ", field_name="direction", choices=Direction.choices)
    loai_vb = django_filters.CharFilter(label="Loại văn bản", field_name="type_code", max_length=10)
    nam = django_filters.NumberFilter(
        label="Năm", field_name="year", min_value=1945, max_value=2100, decimal_places=0
    )
    so = django_filters.NumberFilter(
        label="Sổ văn bản của", field_name="register_id", min_value=1, max_value=2**63 - 1, decimal_places=0
    )

    def filter_q(self, queryset, name, value):
        return document_selectors.search(queryset, value.strip())

    def value(self, name):
        """The cleaned value of a filter (ints for numbers), or "" — for the page's own drop-downs."""
        value = self.form.cleaned_data.get(name)
        if value in (None, ""):
            return ""
        return int(value) if name in ("nam", "so") else value


def document_filter(*, actor, params) -> DocumentFilter:
    flt = DocumentFilter(params, queryset=policies.scope(actor, policies.VIEW, Document.objects.all()))
    flt.is_valid()
    return flt


def document_rows(*, actor, params, flt: DocumentFilter | None = None):
    """The documents of the list for ``params`` (all pages), in the page's order: newest first."""
    flt = flt or document_filter(actor=actor, params=params)
    return flt.qs.select_related("register__parent", "doc_type", "term").order_by("-issued_date", "-id")


class TaskFilter(django_filters.FilterSet):
    nam = django_filters.NumberFilter(
        label="Năm giao", field_name="assigned_date__year", min_value=1945, max_value=2100, decimal_places=0
    )


def _held(actor):
    return policies.scope(actor, "held", Task.objects.all())


def task_year(*, actor, params) -> int | None:
    """The year the task list shows: «nam» when it is a year, None for «tat-ca» (every year), otherwise the latest
    year with tasks assigned by or to the actor's organizations (this year when there are none) — the former bloc's
    2011–2013 tasks are history behind the filter."""
    raw = params.get("nam")
    if raw == "tat-ca":
        return None
    year = int_param(raw)
    if year and 1945 <= year <= 2100:
        return year
    latest = [d for d in (_held(actor).aggregate(d=Max("assigned_date"))["d"],
                          task_selectors.from_above(actor).aggregate(d=Max("task__assigned_date"))["d"]) if d]  # fmt: skip
    return max(latest).year if latest else today().year


def held_tasks(*, actor, params):
    """Tasks the actor's committees assigned (the first table of the task page) of the year ``task_year`` reads
    from ``params``, with their report counts, newest first."""
    year = task_year(actor=actor, params=params)
    flt = TaskFilter({"nam": year or ""}, queryset=_held(actor))
    flt.is_valid()
    return task_selectors.with_counts(flt.qs.select_related("organization", "document")).order_by(
        "-assigned_date", "-id"
    )
