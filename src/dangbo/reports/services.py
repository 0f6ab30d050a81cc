"""The life of a review report: a draft (its figures computed each time it is opened), then issued — numbered in the
organization's document register (``steering.documents.services.document_issue``: "Số 12-BC/ĐU", per type within the
committee term, HD 36) and its figures and text frozen with it, so a backdated change made later does not alter what
was issued; the page compares the frozen figures with a regeneration."""

from __future__ import annotations

import datetime as dt
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.text import clean_text
from dangbo.organizations.models import Organization
from dangbo.steering.documents.services import document_issue

from . import documents, selectors
from .choices import AuditEvents, ReviewKind, ReviewState
from .models import Review

REPORT_TYPE_CODE = "BC"  # the document type of a report (HD 36: BC báo cáo)


def frozen(value):
    """``value`` as the JSON column stores it (dates as ISO text, decimals as text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _period(organization: Organization, kind: str, year: int, start, end) -> selectors.Period:
    if kind not in ReviewKind.values:
        raise ApplicationError(
            "Loại báo cáo không hợp lệ.", field_errors={"kind": "Loại báo cáo: không hợp lệ."}
        )
    try:
        return selectors.review_period(organization, kind, year, start, end)
    except selectors.PeriodError as e:
        raise ApplicationError(str(e), field_errors={"kind": str(e)}) from e


@transaction.atomic
def review_save(*, actor, organization: Organization, kind: str, year: int, day: dt.date, start: dt.date | None = None,
                end: dt.date | None = None, next_tasks: str = "", review: Review | None = None) -> Review:  # fmt: skip
    """Save a draft review report (new, or ``review`` revised). An issued report is not changed."""
    if review is not None:
        review = Review.objects.select_for_update().get(pk=review.pk)
        if not policies.in_state("revise", review):
            raise ApplicationError("Báo cáo đã ban hành: không sửa được; hãy lập báo cáo mới.")
        if not policies.can(actor, policies.CHANGE, review):
            raise PermissionDenied("Bạn không có quyền sửa báo cáo này.")
    draft = review or Review()
    before = snapshot(draft) if review is not None else None
    draft.organization = organization
    if not policies.can(actor, policies.CHANGE if review else policies.ADD, draft):
        raise PermissionDenied("Bạn không có quyền lập báo cáo của tổ chức này.")
    period = _period(organization, kind, year, start, end)
    if day is None or day < period.start:
        raise ApplicationError(
            "Ngày báo cáo không hợp lệ.", field_errors={"day": "Ngày báo cáo: phải sau ngày đầu kỳ."}
        )
    if day > today():
        raise ApplicationError(
            "Ngày báo cáo không hợp lệ.", field_errors={"day": "Ngày báo cáo: sau ngày hôm nay."}
        )
    draft.kind, draft.year, draft.start, draft.end, draft.day = kind, year, period.start, period.end, day
    draft.next_tasks = clean_text(next_tasks or "")
    draft.save()
    record(actor=actor, action=Action.UPDATE if review else Action.CREATE, obj=draft, before=before,
           scope_path=organization.path)  # fmt: skip
    return draft


def period_of(review: Review) -> selectors.Period:
    return selectors.Period(review.kind, review.year, review.start, review.end, preset=False)


def current(actor, review: Review) -> tuple[dict, dict]:
    """The review's sections and document text computed now: (sections, context)."""
    period = period_of(review)
    if review.kind == ReviewKind.MIDTERM:
        period = selectors.review_period(
            review.organization, review.kind, review.year, review.start, review.end
        )
    sections = selectors.build(actor, review.organization, review.start, review.end)
    context = documents.review_context(review.organization, period, sections, next_tasks=review.next_tasks,
                                       day=review.day)  # fmt: skip
    return sections, context


@transaction.atomic
def review_issue(*, actor, review: Review, signer: str = "") -> Review:
    """Issue a draft: enter it in the organization's register (the next "BC" number of its committee term), freeze its
    figures and its text with that number. Nothing is saved if the register cannot number it (no committee term)."""
    review = Review.objects.select_for_update().select_related("organization").get(pk=review.pk)
    if not policies.in_state("issue", review):  # the policy's states: the review page's button
        raise ApplicationError("Báo cáo này đã ban hành.")
    if not policies.can(actor, policies.CHANGE, review):
        raise PermissionDenied("Bạn không có quyền ban hành báo cáo này.")
    sections, context = current(actor, review)
    doc = document_issue(actor=actor, register=review.organization, data={
        "doc_type": REPORT_TYPE_CODE, "issued_date": review.day, "signer": clean_text(signer),
        "summary": f"{context['subtitle']} {context['period_line']}".strip()[:500],
    })  # fmt: skip
    context["number_symbol"] = doc.symbol
    context["signer_name"] = clean_text(signer)
    before = snapshot(review)
    review.context = frozen(context)
    review.figures = frozen({key: s.figures for key, s in sections.items()})
    review.document, review.state = doc, ReviewState.ISSUED
    review.save()
    record(actor=actor, action=Action.UPDATE, obj=review, before=before, scope_path=review.organization.path,
           event=AuditEvents.REVIEW_ISSUE)  # fmt: skip
    return review


def differences(review: Review, sections: dict) -> list[tuple[str, str, object, object]]:
    """Figures of an issued report that a regeneration now gives differently: (section title, figure, issued, now)."""
    now = frozen({key: s.figures for key, s in sections.items()})
    out = []
    for key, section in sections.items():
        then = review.figures.get(key, {})
        for name, value in now.get(key, {}).items():
            if isinstance(value, dict | list) or then.get(name) == value:
                continue
            out.append((section.title, name, then.get(name), value))
    return out
