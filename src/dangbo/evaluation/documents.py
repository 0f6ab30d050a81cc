"""Quyết định công nhận kết quả đánh giá, xếp loại chất lượng: the decision of a campaign as a Word document
(template ``docx_templates/quyet_dinh_xep_loai.docx``, HD 36 format, rendered by ``core.docx.render_docx``): the
counts and shares by level and the list of names. Before the decision it prints the proposed levels, marked
as a draft ("DỰ THẢO") with blanks for the number and date."""

from __future__ import annotations

from dangbo.core.docx import render_docx
from dangbo.core.formats import ngay_van_ban
from dangbo.members.letters.selectors import committee_name
from dangbo.organizations.choices import OrgKind
from dangbo.organizations.models import Organization

from .choices import Level, PeriodKind

TEMPLATE = "quyet_dinh_xep_loai.docx"
BLANK = "……"


def _place(org: Organization) -> str:
    root = Organization.objects.filter(pk=int(org.path.split(".")[0])).first() if org.path else None
    name = root.name if root else ""
    for prefix in ("Đảng bộ tỉnh ", "Đảng bộ thành phố "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def decision_context(campaign, ratings, tally, *, members: bool = True) -> dict:
    c, rules, org = campaign, campaign.rules, campaign.authority
    body = committee_name(org)
    period = (
        f"năm {c.year}"
        if c.period_kind == PeriodKind.YEAR
        else f"từ {c.period_start:%d/%m/%Y} đến {c.period_end:%d/%m/%Y}"
    )
    rated = sum(tally.counts.values())
    levels = [{"label": rules.label(lv, organization=not members), "count": tally.counts.get(lv, 0),
               "share": f"{100 * tally.counts.get(lv, 0) / rated:.1f}%".replace(".", ",") if rated else "0%"}
              for lv in Level.values]  # fmt: skip
    rows = []
    for r in ratings:
        level = r.decided_level if c.locked else r.proposed_level
        rows.append({"stt": len(rows) + 1, "name": r.member.full_name if r.member_id else r.subject_org.name,
                     "cell": r.cell.name if r.member_id else "",
                     "level": (f"Chưa xếp loại ({r.get_not_rated_display().lower()})" if r.not_rated
                               else rules.label(level, organization=not members) if level else "")})  # fmt: skip
    grounds = [
        "Căn cứ Điều lệ Đảng;",
        f"Căn cứ {rules.source} về kiểm điểm, đánh giá, xếp loại chất lượng hằng năm đối với tập thể, cá nhân "
        "trong hệ thống chính trị;",
        f"Xét đề nghị của các chi bộ, tổ chức đảng trực thuộc{'' if c.locked else ' (DỰ THẢO)'},",
    ]
    parent = org.parent
    return {
        "superior_body": parent.name.upper() if parent else "",
        "issuing_body": body.upper(),
        "issuing_body_name": body,
        "number_symbol": c.decision_no or f"{BLANK}-QĐ/ĐU",
        "place_date": ngay_van_ban(c.decision_date, _place(org))
        if c.decision_date
        else f"{_place(org)}, ngày {BLANK} tháng {BLANK} năm {BLANK}",
        "deciding_body": body.upper(),
        "grounds": grounds,
        "subject_plural": "đảng viên" if members else "tổ chức đảng",
        "unit": "đồng chí" if members else "tổ chức",
        "period": period,
        "levels": levels,
        "total_rated": rated,
        "not_rated": tally.not_rated,
        "rows": rows,
        "signer_on_behalf": "T/M ĐẢNG ỦY" if org.kind != OrgKind.GRASSROOTS_CELL else "T/M CHI BỘ",
        "signer_title": "BÍ THƯ",
        "signer_name": "",
    }


def decision_docx(campaign, ratings, tally, *, members: bool = True) -> bytes:
    return render_docx(__package__, TEMPLATE, decision_context(campaign, ratings, tally, members=members))
