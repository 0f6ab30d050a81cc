"""Directing work (DOMAIN §6): the document register, tasks assigned to organizations with their reports,
congress targets, and support programmes for communes.

Totals are never stored: "57/59 organizations disseminated …", a target's actual value and a programme's
totals are computed by the selectors from the rows below.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse

from dangbo.core.fields import BinaryCharField
from dangbo.core.models import BaseModel

from .choices import (
    AssigneeMode,
    ContributionKind,
    Direction,
    Era,
    Measure,
    Numbering,
    ReportKind,
    TargetDirection,
    Unit,
)


def upload_path(instance, filename: str) -> str:
    """Stored under a random name (the user's file name is kept in a column, never used as a path)."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"tep/{instance._meta.model_name}/{uuid.uuid4().hex}{suffix}"


class Attached(models.Model):
    """An optional attached file (checked by ``core.uploads.check_upload``), stored under a random name; the
    user's file name and the size are kept for the download and the audit history."""

    attachment = models.FileField("Tệp đính kèm", upload_to=upload_path, blank=True, max_length=255)
    attachment_name = models.CharField("Tên tệp", max_length=255, blank=True, editable=False)
    attachment_size = models.PositiveIntegerField("Dung lượng tệp", null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def attach(self, upload, name: str) -> None:
        """Write the (already checked) upload to storage; the row is saved by the caller."""
        self.attachment.save(name, upload, save=False)
        self.attachment_name, self.attachment_size = name, upload.size

    def attachment_change(self, before_name: str) -> dict:
        """The audit entry of a changed attachment (file names, never contents)."""
        if before_name == self.attachment_name:
            return {}
        return {"attachment": {"label": "Tệp đính kèm", "before": before_name, "after": self.attachment_name}}


class DocumentType(models.Model):
    """A party document type and its code (HD 36; configurable data: "Quy định" is QĐ or QĐi by place)."""

    code = models.CharField("Ký hiệu loại", max_length=10, unique=True)
    name = models.CharField("Tên loại văn bản", max_length=100)
    rank = models.PositiveSmallIntegerField("Thứ tự", default=100)
    active = models.BooleanField("Đang dùng", default=True)

    class Meta:
        verbose_name = "loại văn bản"
        verbose_name_plural = "loại văn bản"
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Document(Attached, BaseModel):
    """One entry of an organization's document register: an incoming document or one of its own."""

    register = models.ForeignKey("organizations.Organization", verbose_name="Sổ văn bản của", on_delete=models.PROTECT,
                                 related_name="documents")  # fmt: skip
    direction = models.CharField(
        "Loại sổ", max_length=5, choices=Direction.choices, default=Direction.INCOMING
    )
    doc_type = models.ForeignKey(
        DocumentType, verbose_name="Loại văn bản", on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveIntegerField("Số")
    type_code = models.CharField("Ký hiệu loại", max_length=10, editable=False)
    issuer_code = models.CharField(
        "Ký hiệu cơ quan ban hành", max_length=20, help_text="Ví dụ: TW, TU, ĐU, ĐUK"
    )
    issuer_name = models.CharField("Cơ quan ban hành", max_length=255)
    year = models.PositiveSmallIntegerField("Năm", editable=False)
    # Own documents: the sequence the number belongs to — the committee term containing the issue date, or the
    # term whose opening congress issued it (``numbering``). Incoming documents: empty.
    numbering = models.CharField("Dãy số", max_length=10, choices=Numbering.choices, blank=True, default="",
                                 editable=False)  # fmt: skip
    term = models.ForeignKey("organizations.Term", verbose_name="Nhiệm kỳ", null=True, blank=True, editable=False,
                             on_delete=models.PROTECT, related_name="documents")  # fmt: skip
    issued_date = models.DateField("Ngày ban hành")
    received_date = models.DateField("Ngày đến", null=True, blank=True)
    summary = models.CharField("Trích yếu", max_length=500)
    signer = models.CharField("Người ký", max_length=255, blank=True)
    search_norm = models.TextField(editable=False, default="")
    issuer_norm = models.CharField(
        max_length=255, editable=False, default=""
    )  # issuer_name folded (``core.text.fold``)

    class Meta:
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"
        ordering = ["-issued_date", "-id"]
        constraints = [
            # Each held also under concurrent use. An own symbol "Số 01-NQ/ĐU" appears once per committee term in
            # a register; a congress gives each number once, whatever the type.
            models.UniqueConstraint(fields=["register", "issuer_code", "type_code", "number", "term"],
                                    condition=models.Q(numbering=Numbering.TERM), name="document_term_symbol_once"),
            models.UniqueConstraint(fields=["register", "term", "number"],
                                    condition=models.Q(numbering=Numbering.CONGRESS), name="document_congress_number_once"),
            # Numbers issued per year before the numbering per term stay unique as they were.
            models.UniqueConstraint(fields=["register", "issuer_code", "type_code", "number", "year"],
                                    condition=models.Q(numbering=Numbering.YEAR), name="document_year_symbol_once"),
            # An incoming document is one issuer's symbol of one day: its issuer numbers per term of ITS committee,
            # which we don't know, so the same symbol from the same issuer on another day is another document.
            models.UniqueConstraint(fields=["register", "issuer_code", "type_code", "number", "issued_date", "issuer_norm"],
                                    condition=models.Q(direction=Direction.INCOMING), name="document_incoming_once"),
        ]  # fmt: skip
        indexes = [models.Index(fields=["register", "issued_date"], name="document_register_date")]

    def __str__(self) -> str:
        return f"{self.symbol} – {self.summary[:80]}"

    def get_absolute_url(self) -> str:
        return reverse("steering:document", args=[self.pk])

    @property
    def symbol(self) -> str:
        """ "03-CT/TW": numbers below 10 get a leading zero (HD 36)."""
        return f"{self.number:02d}-{self.type_code}/{self.issuer_code}"

    @property
    def series(self) -> str:
        """The sequence the number belongs to, as staff read it: "Nhiệm kỳ 2010–2015", "Đại hội nhiệm kỳ
        2010–2015", "Năm 2011 (…)"; empty for an incoming document."""
        if self.numbering == Numbering.TERM and self.term_id:
            return f"Nhiệm kỳ {self.term.name}"
        if self.numbering == Numbering.CONGRESS and self.term_id:
            return f"Đại hội nhiệm kỳ {self.term.name}"
        if self.numbering == Numbering.YEAR:
            return f"Năm {self.year}, cách đánh số cũ"
        return ""


class DocumentCounter(models.Model):
    """The last number given in one sequence of own documents: in a committee term, per document type and issuer
    code (e.g. "ĐU" for the committee, "BTC" for its organization board); or, ``congress``, of the congress that
    opened the term, all types together (type and issuer code empty)."""

    term = models.ForeignKey("organizations.Term", on_delete=models.CASCADE, related_name="+")
    congress = models.BooleanField(default=False)
    type_code = models.CharField(max_length=10, default="")
    issuer_code = models.CharField(max_length=20, default="")
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["term", "congress", "type_code", "issuer_code"], name="counter_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.term} {'đại hội' if self.congress else self.type_code}: {self.last}"


class Task(BaseModel):
    """A task a committee assigns to a set of its organizations, with the report it expects back."""

    organization = models.ForeignKey("organizations.Organization", verbose_name="Cấp ủy giao", on_delete=models.PROTECT,
                                     related_name="assigned_tasks")  # fmt: skip
    document = models.ForeignKey(Document, verbose_name="Theo văn bản", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="tasks")  # fmt: skip
    title = models.CharField("Nhiệm vụ", max_length=300)
    instructions = models.TextField("Yêu cầu", blank=True)
    report_kind = models.CharField("Hình thức báo cáo", max_length=20, choices=ReportKind.choices)
    figure_label = models.CharField("Số liệu cần báo cáo", max_length=200, blank=True,
                                    help_text="Chỉ với báo cáo số liệu, ví dụ: Số quần chúng được giới thiệu học lớp cảm tình Đảng")  # fmt: skip
    mode = models.CharField(
        "Giao cho", max_length=20, choices=AssigneeMode.choices, default=AssigneeMode.ALL_GRASSROOTS
    )
    assigned_date = models.DateField("Ngày giao")
    deadline = models.DateField("Hạn báo cáo")
    closed_date = models.DateField("Ngày kết thúc nhận báo cáo", null=True, blank=True)

    class Meta:
        verbose_name = "nhiệm vụ được giao"
        verbose_name_plural = "nhiệm vụ được giao"
        ordering = ["-assigned_date", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("steering:task", args=[self.pk])


class Assignment(Attached, models.Model):
    """One organization's part of a task, and its report once filed."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    organization = models.ForeignKey("organizations.Organization", verbose_name="Tổ chức", on_delete=models.PROTECT,
                                     related_name="assignments")  # fmt: skip
    reported_at = models.DateTimeField("Thời điểm báo cáo", null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")  # fmt: skip
    session_date = models.DateField("Ngày học tập, quán triệt", null=True, blank=True)
    member_total = models.PositiveIntegerField("Số đảng viên của tổ chức", null=True, blank=True)
    attended = models.PositiveIntegerField("Số đảng viên tham dự", null=True, blank=True)
    programme_symbol = models.CharField("Số, ký hiệu chương trình/kế hoạch", max_length=50, blank=True)
    programme_date = models.DateField("Ngày ban hành chương trình/kế hoạch", null=True, blank=True)
    figure = models.DecimalField("Số liệu", max_digits=16, decimal_places=2, null=True, blank=True)
    content = models.TextField("Nội dung báo cáo", blank=True)

    class Meta:
        verbose_name = "báo cáo thực hiện nhiệm vụ"
        verbose_name_plural = "báo cáo thực hiện nhiệm vụ"
        constraints = [
            models.UniqueConstraint(fields=["task", "organization"], name="assignment_once"),
            models.CheckConstraint(
                condition=models.Q(attended__isnull=True)
                | models.Q(member_total__isnull=True)
                | models.Q(attended__lte=models.F("member_total")),
                name="attended_within_total",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.task} – {self.organization}"

    def get_absolute_url(self) -> str:
        return reverse("steering:report", args=[self.pk])


class Target(BaseModel):
    """A numbered target of a congress resolution for a term."""

    term = models.ForeignKey("organizations.Term", verbose_name="Nhiệm kỳ", on_delete=models.CASCADE,
                             related_name="targets")  # fmt: skip
    number = models.PositiveSmallIntegerField("Chỉ tiêu số")
    text = models.CharField("Nội dung chỉ tiêu", max_length=500)
    unit = models.CharField("Đơn vị tính", max_length=20, choices=Unit.choices)
    direction = models.CharField(
        "Yêu cầu", max_length=20, choices=TargetDirection.choices, default=TargetDirection.AT_LEAST
    )
    measure = models.CharField("Cách tính", max_length=20, choices=Measure.choices, default=Measure.LEVEL)
    baseline = models.DecimalField("Mức đầu nhiệm kỳ", max_digits=16, decimal_places=2, null=True, blank=True)
    goal = models.DecimalField("Mục tiêu cuối nhiệm kỳ", max_digits=16, decimal_places=2)
    source = models.CharField("Nguồn số liệu", max_length=40, blank=True,
                              help_text="Để trống nếu số liệu được nhập theo kỳ, kèm căn cứ.")  # fmt: skip

    class Meta:
        verbose_name = "chỉ tiêu nghị quyết đại hội"
        verbose_name_plural = "chỉ tiêu nghị quyết đại hội"
        ordering = ["term", "number"]
        constraints = [models.UniqueConstraint(fields=["term", "number"], name="target_number_once")]

    def __str__(self) -> str:
        return f"Chỉ tiêu {self.number}: {self.text}"


class TargetValue(BaseModel):
    """A value entered for a target up to a date, with its evidence (for targets not computed from data)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="values")
    period_end = models.DateField("Tính đến ngày")
    value = models.DecimalField("Giá trị", max_digits=16, decimal_places=2)
    evidence = models.CharField("Căn cứ", max_length=500)

    class Meta:
        verbose_name = "số liệu chỉ tiêu"
        verbose_name_plural = "số liệu chỉ tiêu"
        ordering = ["target", "period_end"]
        constraints = [models.UniqueConstraint(fields=["target", "period_end"], name="target_value_once")]

    def __str__(self) -> str:
        return f"{self.target.number}: {self.value} ({self.period_end:%d/%m/%Y})"


class Commune(models.Model):
    """A commune-level unit: the current ones (since 01/07/2025) from the ``vietnam-provinces`` package, the
    earlier ones from the data file shipped in ``steering/data`` (made from an earlier release of it)."""

    era = models.CharField("Thời kỳ", max_length=12, choices=Era.choices)
    code = models.CharField("Mã", max_length=10)
    name = models.CharField("Tên", max_length=120)
    division_type = models.CharField("Loại", max_length=30, blank=True)
    district_name = models.CharField("Huyện (trước 2025)", max_length=120, blank=True)
    province_code = models.PositiveSmallIntegerField("Mã tỉnh")
    province_name = models.CharField("Tỉnh", max_length=120)
    name_norm = BinaryCharField(max_length=255, editable=False, default="")
    poor = models.BooleanField("Xã nghèo", default=False)
    mountainous = models.BooleanField("Miền núi", default=False)
    border = models.BooleanField("Biên giới", default=False)

    class Meta:
        verbose_name = "xã, phường"
        verbose_name_plural = "xã, phường"
        ordering = ["province_code", "district_name", "name"]
        constraints = [models.UniqueConstraint(fields=["era", "code"], name="commune_once")]

    def __str__(self) -> str:
        return f"{self.name}, {self.district_name}" if self.district_name else self.name


class Programme(BaseModel):
    """A support programme run by a directing committee (e.g. agencies helping poor mountain communes)."""

    organization = models.ForeignKey("organizations.Organization", verbose_name="Cấp ủy chỉ đạo",
                                     on_delete=models.PROTECT, related_name="programmes")  # fmt: skip
    name = models.CharField("Tên chương trình", max_length=300)
    start_date = models.DateField("Từ ngày")
    end_date = models.DateField("Đến ngày", null=True, blank=True)
    description = models.TextField("Mô tả", blank=True)

    class Meta:
        verbose_name = "chương trình hỗ trợ"
        verbose_name_plural = "chương trình hỗ trợ"
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("steering:programme", args=[self.pk])


class Contribution(BaseModel):
    """One contribution of a supporting organization to a commune. ``org_path`` is the supporter's path on the
    date, so totals of a subtree over past periods stay true after restructuring."""

    programme = models.ForeignKey(Programme, verbose_name="Chương trình", on_delete=models.PROTECT,
                                  related_name="contributions")  # fmt: skip
    supporter = models.ForeignKey("organizations.Organization", verbose_name="Tổ chức hỗ trợ",
                                  on_delete=models.PROTECT, related_name="contributions")  # fmt: skip
    org_path = BinaryCharField(max_length=255, editable=False, default="")
    commune = models.ForeignKey(Commune, verbose_name="Xã được hỗ trợ", on_delete=models.PROTECT,
                                related_name="contributions")  # fmt: skip
    date = models.DateField("Ngày")
    kind = models.CharField("Hình thức", max_length=20, choices=ContributionKind.choices)
    value = models.BigIntegerField("Giá trị quy ra tiền (đồng)")
    quantity = models.DecimalField("Số ngày công", max_digits=10, decimal_places=1, null=True, blank=True)
    description = models.CharField("Nội dung", max_length=500, blank=True)

    class Meta:
        verbose_name = "đóng góp hỗ trợ"
        verbose_name_plural = "đóng góp hỗ trợ"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["org_path", "date"], name="contribution_path_date")]
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gte=0), name="contribution_value_positive")
        ]

    def __str__(self) -> str:
        return f"{self.supporter} → {self.commune} ({self.date:%d/%m/%Y})"
