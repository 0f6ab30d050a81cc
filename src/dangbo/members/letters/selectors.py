"""The introduction letter of a transfer, filled from the database (``documents.py`` renders it)."""

from __future__ import annotations

import datetime as dt

from dangbo.organizations.choices import OrgKind
from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import signer_on

from ..choices import MemberStatus, TemporaryPurpose, TransferKind
from ..models import Transfer
from .documents import TransferLetter, transfer_letter_docx


def committee_name(org: Organization) -> str:
    """The committee that signs for an organization: "Đảng bộ Sở Y tế" → "Đảng ủy Sở Y tế"."""
    name = org.name
    for prefix, body in (("Đảng bộ ", "Đảng ủy "), ("Chi bộ ", "Chi ủy ")):
        if name.startswith(prefix):
            return body + name[len(prefix) :]
    return name


def _body(org: Organization) -> str:
    """The same in the capitals of a document header: "ĐẢNG ỦY SỞ Y TẾ"."""
    return committee_name(org).upper()


def _place(org: Organization) -> str:
    root = Organization.objects.filter(pk=int(org.path.split(".")[0])).first() if org.path else None
    name = root.name if root else ""
    for prefix in ("Đảng bộ tỉnh ", "Đảng bộ thành phố "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def letter_for(transfer: Transfer) -> bytes:
    member = transfer.member
    home = transfer.from_organization or member.organization
    issuer = home.grassroots() or home
    superior = Organization.objects.filter(pk=issuer.parent_id).first() if issuer.parent_id else None
    signer_title, signer_name = signer_on(issuer, transfer.sent_date)
    is_official = member.official_date is not None and member.status != MemberStatus.PROBATIONARY
    before_letter = transfer.sent_date.replace(day=1) - dt.timedelta(days=1)
    letter = TransferLetter(
        full_name=member.full_name, birth_date=member.birth_date, is_official=is_official,
        joined_date=member.joined_date or member.admission_decision_date or transfer.sent_date,
        official_date=member.official_date if is_official else None, card_number=member.card_number,
        cv_number=member.cv_number, from_cell=home.long_name,
        destination=str(transfer.to_organization or transfer.to_external),
        receiving_body=committee_name(transfer.to_organization) if transfer.to_organization
        else transfer.to_external,
        dues_paid_to=transfer.dues_paid_to or before_letter, kind=transfer.kind,
        temporary_until=transfer.temporary_until if transfer.kind == TransferKind.TEMPORARY else None,
        valid_until=transfer.valid_until or transfer.sent_date,
        reason=transfer.reason or (TemporaryPurpose(transfer.purpose).label if transfer.purpose else ""),
        superior_body=superior.name.upper() if superior else "",
        issuing_body=transfer.issuer.upper() if transfer.issuer else _body(issuer),
        number_symbol=transfer.letter_no or "……-GGT/ĐU", place=_place(home), issued_on=transfer.sent_date,
        signer_on_behalf="T/M ĐẢNG ỦY" if issuer.kind == OrgKind.GRASSROOTS_COMMITTEE else "T/M CHI BỘ",
        signer_title=signer_title,
        signer_name=signer_name,
        recipients=("Như trên", "Lưu hồ sơ đảng viên"),
    )  # fmt: skip
    return transfer_letter_docx(letter)
