"""Reads of the document register: what a user may see and where they may enter documents, the search, the
sequences own documents are numbered in, the defaults an organization signs its own documents with."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import QuerySet

from dangbo.core import policies
from dangbo.core.formats import ngay
from dangbo.core.search import tokens
from dangbo.organizations.choices import OrgKind
from dangbo.organizations.models import Organization, Term
from dangbo.organizations.selectors import organizations_without_term, term_last_day, term_on

from ..models import DocumentType

COMMITTEE_KINDS = (OrgKind.DIRECT, OrgKind.GRASSROOTS_COMMITTEE, OrgKind.SUB_COMMITTEE)


def register_organizations(actor) -> QuerySet:
    """Active organizations whose register the actor may add to, in tree order."""
    orgs = Organization.objects.filter(end_date__isnull=True)
    return policies.scope(actor, "direct", orgs).select_related("parent").order_by("path")


def register_choices(actor) -> list[Organization]:
    """``register_organizations`` as a list (one query)."""
    return list(register_organizations(actor))


def search(qs: QuerySet, q: str | None) -> QuerySet:
    """Documents whose symbol, summary, issuer, signer or type contain every word of ``q`` (accents and case
    ignored: "dang uy" finds "Đảng ủy", "03-ct/tw" finds "Số 03-CT/TW")."""
    for word in tokens(q or ""):  # at most a few words: a long query cannot build a huge SQL expression
        qs = qs.filter(search_norm__contains=word)
    return qs


MAX_LISTED = 10


def registers_without_term(actor, day: dt.date) -> tuple[int, list[Organization]]:
    """Active registers the actor may add to whose ``day`` belongs to no committee term — their own documents
    cannot be numbered (the register page names them and links to where terms are entered): (how many, the first
    few in tree order)."""
    orgs = policies.scope(actor, "direct", Organization.objects.filter(end_date__isnull=True))
    missing = organizations_without_term(orgs, day).order_by("path")
    return missing.count(), list(missing[:MAX_LISTED])


def series_span(term: Term, *, congress: bool = False) -> tuple[dt.date, dt.date | None]:
    """The days of a sequence: the congress's (preparatory session to close) or the committee term's."""
    if congress:
        return term.congress_start, term.congress_end
    return term.start_date, term_last_day(term)


def span_text(start: dt.date, last: dt.date | None) -> str:
    return f"{ngay(start)} – {ngay(last)}" if last else f"từ {ngay(start)}"


def own_numbering_note(register: Organization, day: dt.date) -> tuple[Term | None, str]:
    """What the entry form tells about the numbers of ``register``'s own documents issued ``day``: (the term,
    the sentence)."""
    term = term_on(register, day)
    if term is None:
        return None, (f"«{register.name}» chưa có nhiệm kỳ cấp ủy chứa ngày {ngay(day)}: chưa cấp được số cho văn bản "
                      "do cấp ủy ban hành. Ghi nhiệm kỳ (ngày bắt đầu) ở trang Cấp ủy của tổ chức.")  # fmt: skip
    return term, (f"Số được cấp tự động, nối tiếp số cùng loại văn bản trong nhiệm kỳ {term.name} "
                  f"({span_text(*series_span(term))}), không bắt đầu lại theo năm.")  # fmt: skip


def years(qs: QuerySet) -> list[int]:
    return sorted(set(qs.order_by().values_list("year", flat=True).distinct()), reverse=True)


def document_types() -> QuerySet:
    return DocumentType.objects.filter(active=True)


def suggested_issuer(organization: Organization) -> tuple[str, str]:
    """(issuer code, issuer name) an organization signs its own documents with: "TU"/"Tỉnh ủy Nghệ An" for the
    province, "ĐU"/"Đảng ủy Sở Y tế" for a party committee, "CB"/"Chi bộ Sở Tư pháp" for a cell."""
    name = organization.name
    if organization.kind == OrgKind.PROVINCE:
        rest = re.sub(r"^Đảng bộ\s+tỉnh\s+", "", name, flags=re.IGNORECASE)
        return "TU", f"Tỉnh ủy {rest}" if rest != name else name
    if organization.kind in COMMITTEE_KINDS:
        rest = re.sub(r"^Đảng bộ\s+", "", name, flags=re.IGNORECASE)
        return "ĐU", f"Đảng ủy {rest}" if rest != name else name
    return "CB", name
