"""Quyết định công nhận kết quả đánh giá, xếp loại chất lượng: the decision of a campaign as a Word document
(template ``docx_templates/quyet_dinh_xep_loai.docx``, HD 36 format, rendered by ``core.docx.render_docx``): the
counts and shares by level and the list of names. Before the decision it prints the proposed levels, marked
as a draft ("DỰ THẢO") with blanks for the number and date."""

from __future__ import annotations

from dangbo.core.dates import today
from dangbo.core.docx import render_docx
from dangbo.core.formats import ngay_van_ban
from dangbo.members.letters.selectors import committee_name
from dangbo.organizations.choices import OrgKind
from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import signer_on

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
        *(
            [f"Căn cứ {rules.regulation} {rules.regulation_title};".replace(" ;", ";")]
            if rules.regulation
            else []
        ),
        *([f"Căn cứ {rules.guidance};"] if rules.guidance else []),
        f"Xét đề nghị của các chi bộ, tổ chức đảng trực thuộc{'' if c.locked else ' (DỰ THẢO)'},",
    ]
    parent = org.parent
    signer = signer_on(org, c.decision_date or today())
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
        "signer_title": signer[0],
        "signer_name": signer[1],
    }


def decision_docx(campaign, ratings, tally, *, members: bool = True) -> bytes:
    return render_docx(__package__, TEMPLATE, decision_context(campaign, ratings, tally, members=members))


def results_xlsx(actor, campaign, *, progress=None) -> bytes:
    """Every member rating of ``campaign`` the actor sees (not a page) as the results table in the print style:
    read in chunks as plain values (no model per row), by cell then name; ``progress(i, None, text)`` every 1,000
    rows (the background job of a large campaign, ``jobs.results_xlsx``)."""
    from dangbo.core.dates import today
    from dangbo.core.xlsx import Column, Letterhead, Signature, Table, table_xlsx

    from . import selectors
    from .choices import NotRated

    c, rules = campaign, campaign.rules
    reasons = dict(NotRated.choices)
    read = (selectors.ratings_of(actor, c).filter(member__isnull=False)
            .values_list("member__full_name", "cell__name", "probationary", "score", "decided_level",
                         "proposed_level", "not_rated").iterator(chunk_size=2000))  # fmt: skip
    rows = []
    for i, (name, cell, probationary, score, decided, proposed, not_rated) in enumerate(read, start=1):
        level = rules.label(decided or proposed) if (decided or proposed) and not not_rated else ""
        rows.append([i, name, cell, "Dự bị" if probationary else "Chính thức", score, level,
                     reasons.get(not_rated, not_rated)])  # fmt: skip
        if progress is not None and i % 1000 == 0:
            progress(i, None, f"Đã đọc {i} phiếu")
    table = Table(
        title=f"KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN {('NĂM ' + str(c.year)) if c.period_kind == 'nam' else ''}".strip(),
        columns=[Column("STT", 6, "stt"), Column("Họ và tên", 28), Column("Chi bộ", 26), Column("Đảng viên", 12),
                 Column("Điểm", 8, "decimal"), Column("Xếp loại", 30), Column("Chưa xếp loại (lý do)", 26)],
        rows=rows, landscape=True,
        lines=[c.authority.name, f"Căn cứ: {rules.source}",
               f"Quyết định số {c.decision_no} ngày {c.decision_date:%d/%m/%Y}" if c.locked else "Chưa có quyết định"],
    )  # fmt: skip
    return table_xlsx(table, letterhead=Letterhead(issuer=c.authority.name.upper(), day=today()),
                      signature=Signature())  # fmt: skip


def results_filename(campaign) -> str:
    return f"xep-loai-{campaign.year}-{campaign.authority.code or campaign.authority.pk}.xlsx"
