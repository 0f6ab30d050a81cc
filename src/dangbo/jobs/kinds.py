"""The jobs app's own kinds: a trial run that proves the queue works (after installing, or when the health check
says the worker is alive but nothing seems to move; it only counts, slowly), and the backup of core.backup
(``dangbo backup --job``, or the page "Công việc nền" → "Sao lưu dữ liệu" of a system administrator) — the example
for other apps' ``jobs.py``."""

from __future__ import annotations

import time

from django import forms

from dangbo.core import backup
from dangbo.core.forms import VNFormMixin, VNNumberField

from .policies import admins_only
from .registry import job


class TrialForm(VNFormMixin, forms.Form):
    steps = forms.IntegerField(label="Số bước", min_value=1, max_value=100, initial=5)
    seconds = VNNumberField(label="Số giây mỗi bước", example="1 hoặc 0,5", initial="1")

    def clean_seconds(self):
        seconds = self.cleaned_data["seconds"]
        if not 0 <= seconds <= 10:
            raise forms.ValidationError("từ 0 đến 10 giây.")
        return float(seconds)  # the form's cleaned data are the job's parameters: plain JSON


@job("chay_thu", "Chạy thử hàng đợi công việc", allowed=admins_only, form=TrialForm, one_at_a_time=False,
     description="Đếm từng bước, không đọc hay ghi dữ liệu nào: để kiểm tra tiến trình chạy nền hoạt động.")  # fmt: skip
def trial(job, progress):
    steps = int(job.params.get("steps", 5))
    seconds = float(job.params.get("seconds", 1))
    progress(0, steps, "Bắt đầu chạy thử")
    for i in range(1, steps + 1):
        time.sleep(seconds)
        progress(i, steps, f"Đã xong bước {i}/{steps}")
    return f"Hàng đợi công việc hoạt động: đã chạy {steps} bước."


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
