"""The one filter definition of each steering list (documents, tasks): used by the page and the export
(``steering/exports.py``) — what you see is what you export. The parameter names are the pages' own (``loai``,
``loai_vb``, ``nam``, ``so``, ``q``); a value that does not parse is ignored, as the pages always did."""

from __future__ import annotations

import django_filters

from dangbo.organizations.policies import work_q

from . import documents, tasks
from .choices import Direction


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
        return documents.search(queryset, value.strip())

    def value(self, name):
        """The cleaned value of a filter (ints for numbers), or "" — for the page's own drop-downs."""
        value = self.form.cleaned_data.get(name)
        if value in (None, ""):
            return ""
        return int(value) if name in ("nam", "so") else value


def document_filter(*, actor, params) -> DocumentFilter:
    flt = DocumentFilter(params, queryset=documents.document_scope(actor))
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


def held_tasks(*, actor, params):
    """Tasks the actor's committees assigned (the first table of the task page), filtered by ``params``, with
    their report counts, newest first."""
    held_q = work_q(actor, "steer", "organization")
    held = tasks.task_scope(actor).none() if held_q is None else tasks.task_scope(actor).filter(held_q)
    flt = TaskFilter(params, queryset=held)
    flt.is_valid()
    return tasks.with_counts(flt.qs.select_related("organization", "document")).order_by(
        "-assigned_date", "-id"
    )
