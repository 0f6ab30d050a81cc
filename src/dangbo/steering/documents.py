"""The document register (DOMAIN §6): incoming documents and the organization's own documents.

Services (every write): ``document_register`` (an incoming document), ``document_issue`` (an own document,
numbered automatically per register organization, type and year), ``document_update``. Selectors:
``document_scope`` (what a user may see), ``register_choices`` (where a user may register), ``search``.

A document symbol "Số 03-CT/TW" appears once a year in a register: checked here, and guaranteed under
concurrent use by the constraint ``document_symbol_once``. Own numbers come from ``DocumentCounter`` rows
incremented by a single ``UPDATE … SET last = last + 1`` inside the document's transaction, so two concurrent
issues never get the same number (the row lock serializes them on PostgreSQL; SQLite serializes writers).
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet

from dangbo.accounts import policy
from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.search import tokens
from dangbo.core.templatetags.vn import ngay
from dangbo.core.text import clean_spaces, fold, nfc
from dangbo.core.uploads import check_upload
from dangbo.organizations.choices import OrgKind
from dangbo.organizations.models import Organization

from .choices import Direction
from .models import Document, DocumentCounter, DocumentType, Task

# Fields a caller gives in ``data`` (``number`` only for incoming documents).
TEXT_FIELDS = ("issuer_code", "issuer_name", "summary", "signer")
DATE_FIELDS = ("issued_date", "received_date")
EDIT_FIELDS = ("doc_type", "number", *TEXT_FIELDS, *DATE_FIELDS)

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
COMMITTEE_KINDS = (OrgKind.DIRECT, OrgKind.GRASSROOTS_COMMITTEE, OrgKind.SUB_COMMITTEE)


# --- Selectors -----------------------------------------------------------------------------------------


def document_scope(actor) -> QuerySet:
    """Documents the actor may see: those of a register in their directing-work view scope, and those on
    which a task was assigned to an organization in that scope (a grassroots secretary sees the directive
    they must disseminate)."""
    own = policy.steering_q(actor, policy.VIEW, "register")
    assigned = policy.steering_q(actor, policy.VIEW, "assignments__organization")
    if own is None and assigned is None:
        return Document.objects.none()
    if own is not None and not own:  # Q(): everything (a superuser)
        return Document.objects.all()
    q = Q(pk__in=[])
    if own is not None:
        q |= own
    if assigned is not None:
        q |= Q(pk__in=Task.objects.filter(assigned, document__isnull=False).values("document_id"))
    return Document.objects.filter(q)


def can_register(actor, organization) -> bool:
    """Whether the actor may enter documents in ``organization``'s register."""
    return policy.can_steer(actor, policy.ADD, organization)


def can_edit(actor, document: Document) -> bool:
    """Correcting an entry needs the same right as entering one (a cell secretary files reports, keeps no
    register)."""
    return can_register(actor, document.register)


def register_choices(actor) -> list[Organization]:
    """Active organizations whose register the actor may add to, in tree order (one query)."""
    orgs = Organization.objects.filter(end_date__isnull=True)
    return list(policy.steering_organizations(actor, policy.ADD, orgs).select_related("parent").order_by("path"))


def search(qs: QuerySet, q: str | None) -> QuerySet:
    """Documents whose symbol, summary, issuer, signer or type contain every word of ``q`` (accents and case
    ignored: "dang uy" finds "Đảng ủy", "03-ct/tw" finds "Số 03-CT/TW")."""
    for word in tokens(q or ""):  # at most a few words: a long query cannot build a huge SQL expression
        qs = qs.filter(search_norm__contains=word)
    return qs


def years(qs: QuerySet) -> list[int]:
    return sorted(set(qs.order_by().values_list("year", flat=True).distinct()), reverse=True)


def document_types() -> QuerySet:
    return DocumentType.objects.filter(active=True)


# --- Defaults for own documents ------------------------------------------------------------------------


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


# --- Validation ----------------------------------------------------------------------------------------


def _clean(value):
    return clean_spaces(nfc(value)) if isinstance(value, str) else value


def _doc_type(value) -> DocumentType | None:
    if value is None or value == "":
        return None
    if isinstance(value, DocumentType):
        return value
    if isinstance(value, int) or str(value).isdigit():
        return DocumentType.objects.filter(pk=int(value)).first()
    return DocumentType.objects.filter(code=str(value)).first()


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
        elif k in TEXT_FIELDS:
            v = _clean(v) or ""
            if k == "issuer_code":
                v = v.replace(" ", "").upper()
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
        e["issued_date"] = f"Ngày ban hành: «{doc.register.name}» đã kết thúc hoạt động ngày {ngay(doc.register.end_date)}."
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


def _duplicate_message(doc: Document) -> str:
    return f"Số, ký hiệu: văn bản Số {doc.symbol} năm {doc.year} đã có trong sổ."


def _clashes(doc: Document) -> bool:
    return (
        Document.objects.filter(register_id=doc.register_id, issuer_code=doc.issuer_code, type_code=doc.type_code,
                                number=doc.number, year=doc.year).exclude(pk=doc.pk).exists()
    )  # fmt: skip


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


def _own_defaults(register: Organization, data: dict) -> dict:
    code, name = suggested_issuer(register)
    data = {k: v for k, v in data.items() if k not in ("number", "received_date")}
    data["issuer_code"] = data.get("issuer_code") or code
    data["issuer_name"] = data.get("issuer_name") or name
    return data


def _prepare(doc: Document, data: dict, upload) -> tuple[dict[str, str], str | None]:
    """Put ``data`` on a new ``doc`` and check it (and the upload): (field errors, cleaned file name)."""
    incoming = doc.direction == Direction.INCOMING
    if not incoming:
        data = _own_defaults(doc.register, data)
    _apply(doc, data, fields=EDIT_FIELDS if incoming else (f for f in EDIT_FIELDS if f != "number"))
    errors = _check(doc, incoming=incoming)
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
        doc = Document.objects.select_related("register", "doc_type").get(pk=instance.pk)  # a copy to try on
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
    if not can_register(actor, register):
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


def next_number(organization: Organization, type_code: str, year: int, issuer_code: str) -> int:
    """Allocate the next number of ``organization``'s own documents of ``type_code`` issued as ``issuer_code``
    in ``year``. Must run in the transaction that saves the document: the counter row stays locked until it
    ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction of the document it numbers")
    key = {"organization": organization, "type_code": type_code, "year": year, "issuer_code": issuer_code}
    counters = DocumentCounter.objects.filter(**key)
    for _ in range(3):
        if counters.update(last=F("last") + 1):
            return counters.values_list("last", flat=True).get()
        try:
            with transaction.atomic():  # a savepoint: a concurrent first issue of the year may win the insert
                DocumentCounter.objects.create(**key, last=1)
            return 1
        except IntegrityError:
            continue
    raise ApplicationError(
        "Số: chưa cấp được số văn bản, xin thử lại.",
        field_errors={"number": "Số: chưa cấp được số văn bản, xin thử lại."},
    )


def document_issue(*, actor, register: Organization, data: dict, upload=None) -> Document:
    """Enter a document ``register`` issues itself; its number is the next one of its type in the year of
    issue (restarting each year). ``data``: doc_type, issued_date, summary, signer; issuer_code and
    issuer_name default to the organization's (``suggested_issuer``)."""
    register = _register_org(actor, register)
    doc = Document(register=register, direction=Direction.OWN)
    errors, upload_name = _prepare(doc, data, upload)
    if errors:
        _refuse(errors)

    def write():
        with transaction.atomic():
            # Skip numbers already taken by documents entered before the register was numbered here.
            for _ in range(1000):
                doc.number = next_number(register, doc.type_code, doc.year, doc.issuer_code)
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


def _apply_update(doc: Document, data: dict) -> dict[str, str]:
    """Put corrections on ``doc``; the problems found. An own document keeps its symbol."""
    incoming = doc.direction == Direction.INCOMING
    old_symbol, old_year = doc.symbol, doc.year
    old = {"doc_type": doc.type_code, "issuer_code": doc.issuer_code}
    _apply(doc, data, fields=(f for f in EDIT_FIELDS if incoming or f not in ("number", "received_date")))
    errors = _check(doc, incoming=incoming)
    if not incoming:
        kept = f"văn bản do cấp ủy ban hành giữ nguyên số, ký hiệu Số {old_symbol} năm {old_year}"
        if "doc_type" not in errors and doc.type_code != old["doc_type"]:
            errors["doc_type"] = f"Loại văn bản: {kept}, không đổi loại văn bản."
        if "issuer_code" not in errors and doc.issuer_code != old["issuer_code"]:
            errors["issuer_code"] = f"Ký hiệu cơ quan ban hành: {kept}, không đổi ký hiệu."
        if "issued_date" not in errors and doc.issued_date.year != old_year:
            errors["issued_date"] = f"Ngày ban hành: {kept}, chỉ sửa được ngày trong năm {old_year}."
    return errors


def document_update(
    *, actor, document: Document, data: dict, upload=None, remove_attachment: bool = False
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
                .select_related("register", "doc_type")
                .get(pk=document.pk)
            )
            if not can_edit(actor, doc):
                raise PermissionDenied("Bạn không có quyền sửa văn bản trong sổ này.")
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
