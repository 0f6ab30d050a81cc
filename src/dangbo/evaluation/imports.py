"""The evaluation app's import kind (``core.imports``): members' evaluation results of a campaign already opened
(the levels the cells and committees proposed, e.g. typed on paper forms), each through ``services.propose`` — the
frame of the period (the score's band, the discipline cap, …) applies. The campaign is named by its deciding
organization's code and year; the member by citizen ID. A rating whose proposed level is already the file's is
skipped, so re-importing the file changes nothing."""

from __future__ import annotations

from dangbo.core import policies
from dangbo.core.imports import EXISTING, Column, ImportKind, RowError
from dangbo.members.imports import CCCD, CCCD_ALIASES, first_top, may_place_members, unknown_member

from .choices import Level, PeriodKind
from .models import Campaign, Rating

COLUMNS = [
    Column("authority_code", "Mã cấp quyết định xếp loại", aliases=("Mã tổ chức", "Mã cấp quyết định"),
           required=True, example="SYT"),
    Column("year", "Năm", aliases=("Năm đánh giá",), kind="int", required=True, example=2025),
    Column("citizen_id", CCCD, aliases=CCCD_ALIASES, required=True, example="040080000001", zfill=12),
    Column("level", "Mức xếp loại", aliases=("Mức đề xuất", "Xếp loại", "Kết quả"), kind="choice",
           choices=tuple(Level.choices), required=True, example=Level.GOOD.label),
    Column("score", "Điểm", aliases=("Tổng điểm",)),
    Column("note", "Nhận xét", aliases=("Ghi chú",)),
]  # fmt: skip


def _prepare(actor, rows, options) -> dict:
    codes = {r.values.get("authority_code") for r in rows} - {None, ""}
    campaigns = policies.scope(actor, policies.VIEW, Campaign.objects.filter(authority__code__in=codes,
                                                                             period_kind=PeriodKind.YEAR))  # fmt: skip
    return {"campaigns": {(c.authority.code, c.year): c for c in campaigns.select_related("authority")}}


def _apply(actor, values, context):
    from .services import propose

    campaign = context["campaigns"].get((values["authority_code"], values["year"]))
    if campaign is None:
        raise RowError("Năm", f"không có đợt đánh giá năm {values['year']} của tổ chức mã «{values['authority_code']}»"
                       " trong phạm vi của bạn (mở đợt trên trang Đánh giá trước).")  # fmt: skip
    rating = (
        policies.scope(actor, policies.VIEW, Rating.objects.filter(campaign=campaign))
        .filter(member__citizen_id=values["citizen_id"])
        .first()
    )
    if rating is None:
        raise unknown_member()
    if rating.proposed_level == values["level"]:
        return EXISTING
    return propose(actor=actor, rating=rating, level=values["level"], score=values.get("score"),
                   note=values.get("note", ""))  # fmt: skip


RESULTS = ImportKind(
    key="ket_qua_danh_gia", noun="kết quả đánh giá đảng viên", sheet="Kết quả đánh giá", columns=COLUMNS,
    natural_key=("authority_code", "year", "citizen_id"), apply=_apply, prepare=_prepare,
    top=lambda actor: first_top(actor, may_place_members), allowed=may_place_members, general="Mức xếp loại",
    labels={"level": "Mức xếp loại", "score": "Điểm", "note": "Nhận xét"}, back="evaluation:index",
    filename="mau-nhap-ket-qua-danh-gia.xlsx",
    notes=(
        "Mỗi dòng mức xếp loại (đề xuất) của một đảng viên trong đợt đánh giá năm đã mở trên trang Đánh giá, của cấp"
        " quyết định ghi ở cột đầu (mã tổ chức); đảng viên tìm theo Số CCCD.",
        "Mức được kiểm tra theo khung đánh giá của kỳ (điểm, kỷ luật trong kỳ …) như khi đề xuất trên trang.",
        "Dòng có mức đã đúng như tệp được bỏ qua: nhập lại cùng một tệp không thay đổi gì.",
    ),
)  # fmt: skip
