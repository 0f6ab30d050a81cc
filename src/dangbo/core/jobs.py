"""Background jobs of the core app: the backup (``dangbo backup --job``, or the page "Công việc nền" → "Sao lưu
dữ liệu" of a system administrator). The example for other apps' ``jobs.py``."""

from __future__ import annotations

from django import forms

from dangbo.core.forms import VNFormMixin
from dangbo.jobs.policies import admins_only
from dangbo.jobs.registry import job

from . import backup


class BackupForm(VNFormMixin, forms.Form):
    keep = forms.IntegerField(
        label="Giữ lại số bản mới nhất", min_value=1, max_value=1000, required=False,
        help_text="Để trống: giữ mọi bản sao lưu. Có số N: sau khi sao lưu, xóa các bản cũ hơn N bản mới nhất.",
    )  # fmt: skip


@job("sao_luu", "Sao lưu dữ liệu", allowed=admins_only, form=BackupForm, user_errors=(backup.BackupError,),
     description="Sao lưu trực tuyến CSDL, tệp tải lên và các thiết lập vào thư mục sao lưu của máy chủ "
                 "(không kèm khóa bí mật); máy chủ vẫn phục vụ trong lúc sao lưu.")  # fmt: skip
def backup_job(job, progress):
    keep = job.params.get("keep")
    progress(0, 1, "Đang chụp cơ sở dữ liệu và chép tệp tải lên")
    result = backup.backup(keep=int(keep) if keep else None)
    progress(1, 1, "Đã ghi tệp sao lưu")
    removed = f" Đã xóa {len(result.removed)} bản cũ." if result.removed else ""
    return f"Đã sao lưu vào {result.path} ({backup.describe(result.manifest)}).{removed}"
