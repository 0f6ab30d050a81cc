"""The document register (DOMAIN §6): incoming documents and the organization's own documents.

Services (every write): ``document_register`` (an incoming document), ``document_issue`` (an own document,
numbered automatically), ``document_update``. The reads (``register_choices``, ``search``,
``registers_without_term``, the sequences' spans): ``selectors.py``.

Own numbers follow HD 36-HD/VPTW §II.1.3.1: from 01 per (register, document type, issuer code) within the
committee term the issue date belongs to (``organizations.selectors.term_on``), never restarting with the year;
the issuer code keeps apart the sequences of the committee ("ĐU") and of the bodies it sets up ("BTC"), which the
symbol tells apart too. A document issued as the congress (``data["congress"]``) is numbered in the congress's
own sequence, all types together, from its preparatory session to its close. Where no term is recorded for the
date, an own document is refused, saying where terms are entered: a number is a legal fact that cannot be taken
back, and a guessed sequence (per year) would clash with the true one once the term is entered.

Numbers come from ``DocumentCounter`` rows incremented by a single ``UPDATE … SET last = last + 1`` inside the
document's transaction, so two concurrent issues never get the same number (the row lock serializes them on
PostgreSQL; SQLite serializes writers); the constraints of ``Document`` back it. Incoming documents: their
numbers run per term of THEIR committee, which we don't know, so one is a duplicate only with the same symbol,
issuer and issue date.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from dangbo.audit.concurrency.services import Tracked
from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.formats import ngay
from dangbo.core.text import clean_spaces, fold, nfc, read_number
from dangbo.core.uploads import check_upload
from dangbo.organizations.models import Organization, Term
from dangbo.organizations.selectors import congress_on, term_on

from ..choices import Direction, Numbering
from ..models import Document, DocumentCounter, DocumentType
from .selectors import series_span, span_text, suggested_issuer

# Fields a caller gives in ``data`` (``number`` only for incoming documents).
TEXT_FIELDS = ("issuer_code", "issuer_name", "summary", "signer")
DATE_FIELDS = ("issued_date", "received_date")
EDIT_FIELDS = ("doc_type", "number", *TEXT_FIELDS, *DATE_FIELDS)
# The edit page's version token (audit.concurrency): a save over someone else's change is refused.
DOCUMENT_VERSION = Tracked((*EDIT_FIELDS, "attachment"), noun="Văn bản này")

LABELS = {
    "doc_type": "Loại văn bản",
    "number": "Số",
    "issuer_code": "Ký hiệu cơ quan ban hành",
    "issuer_name": "Cơ quan ban hành",
    "issued_date": "Ngày ban hành",
    "received_date": "Ngày đến",
    "summary": "Trích yếu",
    "signer": "Người ký",
}
MAX_LENGTH = {"issuer_code": 20, "issuer_name": 255, "summary": 500, "signer": 255}
EARLIEST = dt.date(1930, 2, 3)  # the founding of the Party: no party document is older
_CODE = re.compile(r"^[^\W_]+(?:[.-][^\W_]+)*$")


# --- Validation ----------------------------------------------------------------------------------------


def _clean(value):
    return clean_spaces(nfc(value)) if isinstance(value, str) else value


def _doc_type(value) -> DocumentType | None:
    if value is None or value == "":
        return None
    if isinstance(value, DocumentType):
        return value
    text = str(value).strip()
    if isinstance(value, int) or (text.isascii() and text.isdigit()):
        pk = int(text) if not isinstance(value, bool) else 0
        return DocumentType.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    return DocumentType.objects.filter(code=text[:20]).first()


def _apply(doc: Document, data: dict, *, fields) -> None:
    for k in fields:
        if k not in data:
            continue
        v = data[k]
        if k == "doc_type":
            chosen = _doc_type(v)
            if chosen is None:
                doc.doc_type_id = None
            else:
                doc.doc_type, doc.type_code = chosen, chosen.code
        elif k == "number":  # the one reader of numbers; what it cannot read is kept for _check to refuse
            number, problem = read_number(v, LABELS[k], whole=True)
            doc.number = v if problem else number
        elif k in TEXT_FIELDS:
            v = _clean(v) or ""
            if k == "issuer_code":
                v = v.replace(" ", "").upper()
            elif k == "issuer_name":
                doc.issuer_norm = fold(v)
            setattr(doc, k, v)
        else:
            setattr(doc, k, v)


def _check(doc: Document, *, incoming: bool) -> dict[str, str]:
    e: dict[str, str] = {}
    if doc.doc_type_id is None:
        e["doc_type"] = "Loại văn bản: chưa chọn loại văn bản."
    if incoming:
        if doc.number is None:
            e["number"] = "Số: không được để trống."
        elif not isinstance(doc.number, int) or doc.number < 1 or doc.number > 99999:
            e["number"] = "Số: phải là số nguyên từ 1 đến 99.999."
    for k in ("issuer_code", "issuer_name", "summary"):
        if not getattr(doc, k):
            e[k] = f"{LABELS[k]}: không được để trống."
    for k, n in MAX_LENGTH.items():
        if len(getattr(doc, k) or "") > n:
            e[k] = f"{LABELS[k]}: dài quá {n} ký tự."
    if doc.issuer_code and "issuer_code" not in e and not _CODE.match(doc.issuer_code):
        e["issuer_code"] = "Ký hiệu cơ quan ban hành: chỉ gồm chữ và số, ví dụ TW, TU, ĐU, ĐUK."
    now = today()
    if doc.issued_date is None:
        e["issued_date"] = "Ngày ban hành: không được để trống."
    elif not isinstance(doc.issued_date, dt.date):
        e["issued_date"] = "Ngày ban hành: ngày không hợp lệ."
    elif doc.issued_date > now:
        e["issued_date"] = "Ngày ban hành: không được sau ngày hôm nay."
    elif doc.issued_date < EARLIEST:
        e["issued_date"] = f"Ngày ban hành: không được trước ngày {ngay(EARLIEST)}."
    elif doc.register.end_date and doc.issued_date >= doc.register.end_date:
        # The register of an organization that has ended takes only documents of its lifetime (entered later).
        e["issued_date"] = (
            f"Ngày ban hành: «{doc.register.name}» đã kết thúc hoạt động ngày {ngay(doc.register.end_date)}."
        )
    if incoming and doc.received_date is not None:
        if not isinstance(doc.received_date, dt.date):
            e["received_date"] = "Ngày đến: ngày không hợp lệ."
        elif doc.received_date > now:
            e["received_date"] = "Ngày đến: không được sau ngày hôm nay."
        elif isinstance(doc.issued_date, dt.date) and doc.received_date < doc.issued_date:
            e["received_date"] = f"Ngày đến: trước ngày ban hành ({ngay(doc.issued_date)})."
    if not incoming:
        doc.received_date = None
    return e


def _series_text(doc: Document) -> str:
    """ "nhiệm kỳ 2010–2015", "đại hội nhiệm kỳ 2010–2015", … for a sentence."""
    series = doc.series
    return series[:1].lower() + series[1:]


def _duplicate_message(doc: Document) -> str:
    if doc.direction == Direction.INCOMING:
        return (f"Số, ký hiệu: văn bản Số {doc.symbol} của {doc.issuer_name} ngày {ngay(doc.issued_date)} "
                "đã có trong sổ.")  # fmt: skip
    return f"Số, ký hiệu: văn bản Số {doc.symbol} ({_series_text(doc)}) đã có trong sổ."


def _clashes(doc: Document) -> bool:
    """Whether ``doc``'s number is taken in its register.

    * incoming: the same symbol from the same issuer (its name compared without accents and case) of the same
      day — the same symbol from another issuer, or of another term of the issuer, is another document;
    * own: the same symbol in the same term (numbers issued per year before, placed in it, included); for a
      congress also the same number on any document of the congress; and an incoming entry with the same symbol
      and issuer dated within the sequence (an own document entered by hand before numbering was automatic).
    """
    others = Document.objects.filter(register_id=doc.register_id).exclude(pk=doc.pk)
    symbol = Q(issuer_code=doc.issuer_code, type_code=doc.type_code, number=doc.number)
    if doc.direction == Direction.INCOMING:
        return others.filter(symbol, issued_date=doc.issued_date, issuer_norm=doc.issuer_norm).exists()
    congress = doc.numbering == Numbering.CONGRESS
    start, last = series_span(doc.term, congress=congress)
    period = Q(issued_date__gte=start, issued_date__lte=last) if last else Q(issued_date__gte=start)
    taken = (
        symbol & Q(term=doc.term)
        | symbol & Q(direction=Direction.INCOMING, issuer_norm=doc.issuer_norm) & period
    )
    if congress:
        taken |= Q(numbering=Numbering.CONGRESS, term=doc.term, number=doc.number)
    return others.filter(taken).exists()


def _refuse(errors: dict[str, str]):
    raise ApplicationError("Chưa lưu được văn bản, xin xem các ô được đánh dấu.", field_errors=errors)


def _search_norm(doc: Document) -> str:
    parts = [
        f"so {doc.symbol}",
        doc.summary,
        doc.issuer_name,
        doc.signer,
        doc.doc_type.name if doc.doc_type_id else "",
    ]
    return fold(" ".join(p for p in parts if p))


# --- Attachments ---------------------------------------------------------------------------------------


def _save_with_file(doc: Document, upload, upload_name: str | None, write) -> Document:
    """Run ``write()`` (the transaction that saves ``doc``) with the upload stored first; if the transaction
    fails, the stored file is removed again — nothing is left behind."""
    stored = None
    try:
        if upload is not None:
            doc.attach(upload, upload_name)
            stored = doc.attachment.name
        return write()
    except BaseException:
        if stored:
            doc.attachment.storage.delete(stored)
        raise


CONGRESS_ISSUER_CODE = "ĐH"


def _own_defaults(register: Organization, data: dict) -> dict:
    if data.get("congress"):
        code, name = CONGRESS_ISSUER_CODE, f"Đại hội {register.name}"
    else:
        code, name = suggested_issuer(register)
    data = {k: v for k, v in data.items() if k not in ("number", "received_date")}
    data["issuer_code"] = data.get("issuer_code") or code
    data["issuer_name"] = data.get("issuer_name") or name
    return data


def _place(doc: Document, *, congress: bool) -> str | None:
    """Put an own document in its sequence by its issue date: the committee term it belongs to, or the term whose
    opening congress was in session that day. The problem (an "issued_date" message) when there is none."""
    register = doc.register
    if congress:
        doc.numbering, doc.term = Numbering.CONGRESS, congress_on(register, doc.issued_date)
        if doc.term is None:
            return (f"Ngày ban hành: không có đại hội nào của «{register.name}» họp ngày {ngay(doc.issued_date)} "
                    "(ngày họp phiên trù bị và ngày bế mạc đại hội được ghi cùng nhiệm kỳ ở trang Cấp ủy).")  # fmt: skip
        return None
    doc.numbering, doc.term = Numbering.TERM, term_on(register, doc.issued_date)
    if doc.term is None:
        return (f"Ngày ban hành: «{register.name}» chưa có nhiệm kỳ cấp ủy chứa ngày {ngay(doc.issued_date)}, nên chưa "
                "cấp được số (số văn bản của cấp ủy đánh theo nhiệm kỳ). Ghi nhiệm kỳ ở trang Cấp ủy của tổ chức.")  # fmt: skip
    return None


def _prepare(doc: Document, data: dict, upload) -> tuple[dict[str, str], str | None]:
    """Put ``data`` on a new ``doc`` and check it (and the upload): (field errors, cleaned file name)."""
    incoming = doc.direction == Direction.INCOMING
    if not incoming:
        data = _own_defaults(doc.register, data)
    _apply(doc, data, fields=EDIT_FIELDS if incoming else (f for f in EDIT_FIELDS if f != "number"))
    errors = _check(doc, incoming=incoming)
    if not incoming and "issued_date" not in errors:
        problem = _place(doc, congress=bool(data.get("congress")))
        if problem:
            errors["issued_date"] = problem
    upload_name = None
    if upload is not None:
        try:
            upload_name = check_upload(upload, field="attachment", label="Tệp đính kèm")
        except ApplicationError as error:
            errors.update(error.field_errors)
    if "issued_date" not in errors:
        doc.year = doc.issued_date.year
    if not errors and doc.number is not None:
        doc.search_norm = _search_norm(doc)
    return errors, upload_name


def validate_document(
    *,
    data: dict,
    upload=None,
    register: Organization | None = None,
    direction: str = "",
    instance: Document | None = None,
) -> dict[str, str]:
    """Every problem of a new entry (``register``, ``direction``) or of a correction of ``instance`` at once,
    as {field: "Nhãn: vấn đề."} — for forms; the services check again when saving."""
    if instance is not None:
        doc = Document.objects.select_related("register", "doc_type", "term").get(
            pk=instance.pk
        )  # a copy to try on
        errors = _apply_update(doc, data)
        if upload is not None:
            try:
                check_upload(upload, field="attachment", label="Tệp đính kèm")
            except ApplicationError as error:
                errors.update(error.field_errors)
        if "issued_date" not in errors:
            doc.year = doc.issued_date.year
    else:
        doc = Document(register=register, direction=direction)
        errors, _ = _prepare(doc, data, upload)
    symbol_ok = not errors.keys() & {"doc_type", "number", "issuer_code", "issued_date"}
    if symbol_ok and doc.direction == Direction.INCOMING and _clashes(doc):
        errors["number"] = _duplicate_message(doc)
    return errors


# --- Services ------------------------------------------------------------------------------------------


def _register_org(actor, register: Organization) -> Organization:
    register = Organization.objects.get(pk=register.pk)
    if not policies.can(actor, "direct", register):
        raise PermissionDenied("Bạn không có quyền vào sổ văn bản của tổ chức này.")
    return register


def document_register(*, actor, register: Organization, data: dict, upload=None) -> Document:
    """Enter an incoming document in ``register``'s book. ``data``: doc_type (DocumentType or its code),
    number, issuer_code, issuer_name, issued_date, received_date, summary, signer."""
    register = _register_org(actor, register)
    doc = Document(register=register, direction=Direction.INCOMING)
    errors, upload_name = _prepare(doc, data, upload)
    if errors:
        _refuse(errors)
    if _clashes(doc):
        _refuse({"number": _duplicate_message(doc)})

    def write():
        try:
            with transaction.atomic():
                doc.save()
                record(actor=actor, action=Action.CREATE, obj=doc, scope_path=register.path,
                       extra=doc.attachment_change(""))  # fmt: skip
        except IntegrityError:  # the same symbol entered at the same moment by someone else
            _refuse({"number": _duplicate_message(doc)})
        return doc

    return _save_with_file(doc, upload, upload_name, write)


def next_number(term: Term, *, congress: bool = False, type_code: str = "", issuer_code: str = "") -> int:
    """Allocate the next number of a sequence: in committee ``term``, of the documents of ``type_code`` issued
    as ``issuer_code``; or (``congress``) of the congress that opened ``term``, all documents together. Must run
    in the transaction that saves the document: the counter row stays locked until it ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction of the document it numbers")
    if congress:
        type_code = issuer_code = ""
    key = {"term": term, "congress": congress, "type_code": type_code, "issuer_code": issuer_code}
    counters = DocumentCounter.objects.filter(**key)
    for _ in range(3):
        if counters.update(last=F("last") + 1):
            return counters.values_list("last", flat=True).get()
        try:
            with transaction.atomic():  # a savepoint: a concurrent first issue of the term may win the insert
                DocumentCounter.objects.create(**key, last=1)
            return 1
        except IntegrityError:
            continue
    raise ApplicationError(
        "Số: chưa cấp được số văn bản, xin thử lại.",
        field_errors={"number": "Số: chưa cấp được số văn bản, xin thử lại."},
    )


def document_issue(*, actor, register: Organization, data: dict, upload=None) -> Document:
    """Enter a document ``register`` issues itself; its number is the next one of its type and issuer code in
    the committee term of the issue date — or, with ``congress`` true, the next one of the congress in session
    that day, whatever the type. ``data``: doc_type, issued_date, summary, signer, congress; issuer_code and
    issuer_name default to the organization's (``suggested_issuer``; "ĐH" and "Đại hội …" for a congress)."""
    register = _register_org(actor, register)
    doc = Document(register=register, direction=Direction.OWN)
    errors, upload_name = _prepare(doc, data, upload)
    if errors:
        _refuse(errors)

    def write():
        with transaction.atomic():
            # Skip numbers already taken by documents entered before the register was numbered here.
            congress = doc.numbering == Numbering.CONGRESS
            for _ in range(1000):
                doc.number = next_number(doc.term, congress=congress, type_code=doc.type_code,
                                         issuer_code=doc.issuer_code)  # fmt: skip
                if not _clashes(doc):
                    break
            doc.search_norm = _search_norm(doc)
            try:
                with transaction.atomic():
                    doc.save()
            except IntegrityError:  # an incoming entry with this very symbol was saved meanwhile
                _refuse({"number": _duplicate_message(doc)})
            record(actor=actor, action=Action.CREATE, obj=doc, scope_path=register.path,
                   extra=doc.attachment_change(""))  # fmt: skip
        return doc

    return _save_with_file(doc, upload, upload_name, write)


def _outside_series(doc: Document, old_year: int) -> str | None:
    """Where an own document's corrected date may lie — inside the sequence its number belongs to: "trong nhiệm kỳ
    2020–2025 (01/08/2020 – 31/07/2025)"; None when the date is fine."""
    day = doc.issued_date
    if doc.numbering == Numbering.YEAR:
        return None if day.year == old_year else f"trong năm {old_year}"
    congress = doc.numbering == Numbering.CONGRESS
    start, last = series_span(doc.term, congress=congress)
    if start <= day and (last is None or day <= last):
        return None
    where = "thời gian đại hội" if congress else f"nhiệm kỳ {doc.term.name}"
    return f"trong {where} ({span_text(start, last)})"


def _apply_update(doc: Document, data: dict) -> dict[str, str]:
    """Put corrections on ``doc``; the problems found. An own document keeps its symbol and its sequence."""
    incoming = doc.direction == Direction.INCOMING
    old_symbol, old_year, old_date = doc.symbol, doc.year, doc.issued_date
    old = {"doc_type": doc.type_code, "issuer_code": doc.issuer_code}
    _apply(doc, data, fields=(f for f in EDIT_FIELDS if incoming or f not in ("number", "received_date")))
    errors = _check(doc, incoming=incoming)
    if not incoming:
        kept = f"văn bản do cấp ủy ban hành giữ nguyên số, ký hiệu Số {old_symbol} ({_series_text(doc)})"
        if "doc_type" not in errors and doc.type_code != old["doc_type"]:
            errors["doc_type"] = f"Loại văn bản: {kept}, không đổi loại văn bản."
        if "issuer_code" not in errors and doc.issuer_code != old["issuer_code"]:
            errors["issuer_code"] = f"Ký hiệu cơ quan ban hành: {kept}, không đổi ký hiệu."
        # A term recorded later may have cut the sequence short: an unchanged date is never refused.
        if (
            "issued_date" not in errors
            and doc.issued_date != old_date
            and (where := _outside_series(doc, old_year))
        ):
            errors["issued_date"] = f"Ngày ban hành: {kept}, chỉ sửa được ngày {where}."
    return errors


def document_update(
    *,
    actor,
    document: Document,
    data: dict,
    upload=None,
    remove_attachment: bool = False,
    expected_version: str | None = None,
) -> Document:
    """Correct a register entry. An own document keeps its symbol (type, number, issuer code and year);
    ``upload`` replaces the attachment, ``remove_attachment`` drops it."""
    upload_name = None
    if upload is not None:
        upload_name = check_upload(upload, field="attachment", label="Tệp đính kèm")

    def write():
        with transaction.atomic():
            doc = (
                Document.objects.select_for_update(of=("self",))
                .select_related("register", "doc_type", "term")
                .get(pk=document.pk)
            )
            if not policies.can(actor, policies.CHANGE, doc):
                raise PermissionDenied("Bạn không có quyền sửa văn bản trong sổ này.")
            DOCUMENT_VERSION.check(doc, expected_version)
            before = snapshot(doc)
            before_name, old_file = doc.attachment_name, doc.attachment.name
            errors = _apply_update(doc, data)
            if errors:
                _refuse(errors)
            doc.year = doc.issued_date.year
            if doc.direction == Direction.INCOMING and _clashes(doc):
                _refuse({"number": _duplicate_message(doc)})
            if upload is not None:
                doc.attach(upload, upload_name)
                stored.append(doc.attachment.name)
            elif remove_attachment and doc.attachment:
                doc.attachment, doc.attachment_name, doc.attachment_size = "", "", None
            doc.search_norm = _search_norm(doc)
            try:
                with transaction.atomic():
                    doc.save()
            except IntegrityError:
                _refuse({"number": _duplicate_message(doc)})
            record(actor=actor, action=Action.UPDATE, obj=doc, before=before, scope_path=doc.register.path,
                   extra=doc.attachment_change(before_name))  # fmt: skip
            if old_file and old_file != doc.attachment.name:
                storage = doc.attachment.storage
                transaction.on_commit(lambda: storage.delete(old_file))
        return doc

    stored: list[str] = []
    try:
        return write()
    except BaseException:
        for name in stored:
            Document._meta.get_field("attachment").storage.delete(name)
        raise
