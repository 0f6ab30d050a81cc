"""Long dues work in the background (``dangbo.jobs``): writing a month's amounts owed for a whole scope — every
cell of an organization's subtree, or of the installation (the nation) when started without one by a system
administrator (page "Công việc nền", or ``start_job`` from the command line). Cells are taken in batches of
``BATCH``: each batch is one transaction of ``services.generate_owed`` (what each member on the rolls owes by the
rules of the month, nothing paid yet; members already recorded are left as they are), then ``progress``. Run again
after a failure or a cancel, it goes on where it stopped (batches done have their rows)."""

from __future__ import annotations

from django import forms

from dangbo.core import policies
from dangbo.core.errors import ApplicationError
from dangbo.core.forms import VNFormMixin
from dangbo.core.http import date_param
from dangbo.core.policies import subtree_q
from dangbo.jobs.policies import admins_only
from dangbo.jobs.registry import job
from dangbo.organizations.choices import CELL_KINDS
from dangbo.organizations.models import Organization

from . import services

KIND = "dang_phi_phai_thu"
BATCH = 200  # cells per transaction (≈ 5.000 members: a few seconds of locks on their month sheets)


def read_month(raw):
    return date_param("01/" + (raw or "").strip())


class MonthForm(VNFormMixin, forms.Form):
    thang = forms.CharField(label="Tháng", max_length=7, help_text="mm/yyyy, ví dụ 03/2026")

    def clean_thang(self):
        month = read_month(self.cleaned_data["thang"])
        if month is None:
            raise forms.ValidationError("cần có dạng mm/yyyy.")
        return f"{month:%m/%Y}"  # the form's cleaned data are the job's parameters: plain JSON


def _may_generate(actor, scope_org) -> bool:
    if scope_org is None:
        return admins_only(actor, scope_org)  # the whole installation: system administrators only
    return policies.can(actor, "place_members", scope_org)


@job(KIND, "Lập số đảng phí phải thu của một tháng", allowed=_may_generate, form=MonthForm,
     description="Ghi số đảng phí mỗi đảng viên phải đóng trong tháng (theo căn cứ và quy định của tháng), chưa "
                 "ghi đã thu, cho mọi chi bộ trong phạm vi; đảng viên đã có số của tháng được giữ nguyên.")  # fmt: skip
def generate_month(job, progress):
    month = read_month(job.params.get("thang"))
    if month is None:
        raise ApplicationError("Tháng: cần có dạng mm/yyyy.")
    cells = Organization.objects.filter(kind__in=CELL_KINDS)
    if job.scope_org is not None:
        cells = cells.filter(subtree_q(job.scope_org.path))
    ids = list(cells.order_by("pk").values_list("pk", flat=True))
    total = services.Generated()
    progress(0, len(ids), f"Lập số phải thu tháng {month:%m/%Y}")
    for start in range(0, len(ids), BATCH):
        done = services.generate_owed(actor=job.started_by, cells=ids[start : start + BATCH], month=month)
        total.rows, total.sheets, total.unknown = (
            total.rows + done.rows, total.sheets + done.sheets, total.unknown + done.unknown
        )  # fmt: skip
        end = min(start + BATCH, len(ids))
        progress(end, len(ids), f"Đã lập {end:,}/{len(ids):,} chi bộ".replace(",", "."))
    unknown = (
        f"; {total.unknown} đảng viên chưa có căn cứ đóng đảng phí nên chưa lập" if total.unknown else ""
    )
    return f"Đã lập số phải thu tháng {month:%m/%Y}: {total.rows} đảng viên ở {total.sheets} chi bộ{unknown}."
