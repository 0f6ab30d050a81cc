"""Long evaluation work in the background (``dangbo.jobs``): opening a campaign whose roll is larger than a page
should wait for (``DANGBO_EVALUATION_SYNC_RATINGS`` members; a province or the nation). The page checks every rule
of opening at once (``services.check_open``: nothing is queued that would fail) and starts the job; the job runs the
same ``services.open_campaign`` with a ``progress`` callback between its bulk inserts."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from dangbo.core import policies
from dangbo.core.errors import ApplicationError
from dangbo.jobs.registry import job
from dangbo.jobs.services import start_job
from dangbo.members.counts.selectors import rows_on

from . import services
from .models import Campaign
from .policies import DECIDE

KIND = "mo_dot_danh_gia"


def sync_ratings() -> int:
    return int(settings.DANGBO_EVALUATION_SYNC_RATINGS)


def roll_size(authority, period_end: dt.date) -> int:
    """How many member ratings opening a campaign of ``authority`` ending ``period_end`` would create."""
    return rows_on(authority, period_end).count()


def _may_open(actor, scope_org) -> bool:
    return scope_org is not None and policies.can(actor, DECIDE, Campaign(authority=scope_org))


def _iso(day) -> str | None:
    """dd/mm/yyyy: a job's parameters refuse ISO dates (a run of digits and dashes looks like a phone number)."""
    return f"{day:%d/%m/%Y}" if isinstance(day, dt.date) else None


def start_open(*, actor, authority, year, deadline, period_kind, period_start=None, period_end=None,
               organizations: bool = True):  # fmt: skip
    """Check the opening (the same rules as ``services.open_campaign``) and queue it; returns the job."""
    campaign = services.check_open(actor=actor, authority=authority, year=year, deadline=deadline,
                                   period_kind=period_kind, period_start=period_start, period_end=period_end)  # fmt: skip
    params = {"year": campaign.year, "period_kind": campaign.period_kind, "deadline": _iso(campaign.deadline),
              "period_start": _iso(campaign.period_start), "period_end": _iso(campaign.period_end),
              "organizations": bool(organizations)}  # fmt: skip
    return start_job(actor=actor, kind=KIND, scope_org=campaign.authority, params=params)


def _date(value):
    try:
        return dt.datetime.strptime(value, "%d/%m/%Y").date() if value else None
    except (TypeError, ValueError):
        raise ApplicationError(
            "Tham số của công việc không hợp lệ: hãy mở đợt đánh giá lại từ trang tổ chức."
        ) from None


@job(KIND, "Mở đợt đánh giá, xếp loại chất lượng", allowed=_may_open, scoped=True,
     description="Tạo phiếu đánh giá cho mọi đảng viên và tổ chức trực thuộc của một cấp quyết định lớn "
                 "(trang Đánh giá, xếp loại của tổ chức → Mở đợt đánh giá mới).")  # fmt: skip
def open_campaign(job, progress):
    p = job.params
    progress(0, None, "Đang đọc danh sách đảng viên cuối kỳ")
    campaign = services.open_campaign(
        actor=job.started_by, authority=job.scope_org, year=p.get("year"), deadline=_date(p.get("deadline")),
        period_kind=p.get("period_kind"), period_start=_date(p.get("period_start")),
        period_end=_date(p.get("period_end")), organizations=bool(p.get("organizations")), progress=progress,
    )  # fmt: skip
    n = campaign.ratings.count()
    return f"Đã mở {campaign}: {n} phiếu đánh giá. Xem tại trang Đánh giá, xếp loại của {campaign.authority.name}."


# --- The results table of a large campaign ---------------------------------------------------------------------

RESULTS_KIND = "xuat_ket_qua_danh_gia"


def _may_see(actor, scope_org) -> bool:
    return scope_org is not None and policies.can(actor, policies.VIEW, Campaign(authority=scope_org))


def start_results_xlsx(*, actor, campaign):
    """Queue the XLSX of every member rating of ``campaign`` the actor sees; returns the job."""
    return start_job(
        actor=actor, kind=RESULTS_KIND, scope_org=campaign.authority, params={"campaign": campaign.pk}
    )


@job(RESULTS_KIND, "Xuất kết quả đánh giá, xếp loại ra Excel", allowed=_may_see, scoped=True, one_at_a_time=False,
     description="Bảng kết quả xếp loại đảng viên của một đợt đánh giá lớn (trang Kết quả → Tải bảng).")  # fmt: skip
def results_xlsx(job, progress):
    from dangbo.jobs.registry import JobResult
    from dangbo.jobs.runner import result_path

    from .documents import results_filename
    from .documents import results_xlsx as build

    actor = job.started_by
    campaign = (policies.scope(actor, policies.VIEW, Campaign.objects.select_related("authority"))
                .filter(pk=job.params.get("campaign"), authority=job.scope_org).first()) if actor else None  # fmt: skip
    if campaign is None:
        raise ApplicationError("Đợt đánh giá: không có hoặc không thuộc phạm vi của bạn.")
    progress(0, None, "Đang đọc các phiếu")
    out = result_path(job, ".xlsx")
    out.write_bytes(build(actor, campaign, progress=progress))
    return JobResult(
        f"Đã xuất kết quả xếp loại của {campaign}.", file=out, filename=results_filename(campaign)
    )
