"""Cell meetings (DOMAIN §3): the plan, the roll call, the minutes, the quality check and the grades.

``org_path`` is the organization's path on the meeting date (like ``MemberPeriod.org_path``), so analytics of a
subtree over past months stay true after restructuring (``organizations.tree.services`` re-paths later meetings).
The summary columns (``base_count`` … ``criteria_passed``) are written by the services when the attendance
or minutes change, so the month × organization grid reads one row per meeting.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from dangbo.core.fields import BinaryCharField
from dangbo.core.models import BaseModel

from .choices import MeetingKind, MeetingState, Presence


class GradeLevel(models.Model):
    """One level of the province's meeting-quality scale (configurable data: the Nghệ An scale is uncertain)."""

    code = models.CharField("Mã", max_length=20, unique=True)
    label = models.CharField("Mức xếp loại", max_length=50)
    rank = models.PositiveSmallIntegerField("Thứ tự (1 = cao nhất)", default=1)
    active = models.BooleanField("Đang dùng", default=True)

    class Meta:
        verbose_name = "mức xếp loại chất lượng sinh hoạt"
        verbose_name_plural = "mức xếp loại chất lượng sinh hoạt"
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.label


class Meeting(BaseModel):
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="Tổ chức",
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    org_path = BinaryCharField(max_length=255, editable=False, default="")
    kind = models.CharField(
        "Loại sinh hoạt", max_length=20, choices=MeetingKind.choices, default=MeetingKind.REGULAR
    )
    topic = models.CharField("Chuyên đề", max_length=255, blank=True)
    month = models.DateField("Tháng", editable=False)  # first day of the month of the meeting
    planned_at = models.DateTimeField("Thời gian")
    place = models.CharField("Địa điểm", max_length=255, blank=True)
    agenda = models.TextField("Nội dung dự kiến", blank=True)
    state = models.CharField(
        "Trạng thái", max_length=10, choices=MeetingState.choices, default=MeetingState.PLANNED
    )

    started_at = models.DateTimeField("Bắt đầu", null=True, blank=True)
    ended_at = models.DateTimeField("Kết thúc", null=True, blank=True)
    chair = models.ForeignKey("members.Member", verbose_name="Chủ trì", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    minutes_secretary = models.ForeignKey("members.Member", verbose_name="Thư ký", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    committee_prepared = models.BooleanField("Chi ủy (bí thư) họp chuẩn bị nội dung", default=False)
    draft_resolution = models.BooleanField("Có dự thảo nghị quyết", default=False)
    dues_collected = models.BooleanField("Đã thu đảng phí", default=False)
    dues_amount = models.BigIntegerField("Số tiền đảng phí thu được (đồng)", null=True, blank=True)
    last_month_results = models.TextField("Kết quả thực hiện nhiệm vụ tháng trước", blank=True)
    news_guidance = models.TextField("Thông tin thời sự, văn bản, hướng dẫn của cấp trên", blank=True)
    study_follow = models.TextField(
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", blank=True
    )
    opinions = models.TextField("Ý kiến của đảng viên, phản ánh của quần chúng", blank=True)
    resolution = models.TextField("Nghị quyết (kết luận) của chi bộ", blank=True)
    votes_for = models.PositiveSmallIntegerField("Số tán thành", null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField("Số không tán thành", null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField("Số không biểu quyết", null=True, blank=True)
    recorded_by_proxy = models.BooleanField("Bí thư nhập thay cho đảng viên", default=True)

    self_grade = models.ForeignKey(GradeLevel, verbose_name="Chi bộ tự xếp loại", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")  # fmt: skip
    upper_grade = models.ForeignKey(GradeLevel, verbose_name="Cấp trên xếp loại", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")  # fmt: skip
    upper_graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")  # fmt: skip
    upper_grade_note = models.CharField("Nhận xét của cấp trên", max_length=500, blank=True)

    # Summary, kept by services.
    base_count = models.PositiveSmallIntegerField("Số đảng viên phải dự", default=0, editable=False)
    present_count = models.PositiveSmallIntegerField("Số có mặt", default=0, editable=False)
    unexcused_count = models.PositiveSmallIntegerField("Số vắng không lý do", default=0, editable=False)
    criteria_passed = models.PositiveSmallIntegerField("Số tiêu chí đạt", default=0, editable=False)
    criteria_total = models.PositiveSmallIntegerField("Số tiêu chí", default=0, editable=False)

    class Meta:
        verbose_name = "buổi sinh hoạt"
        verbose_name_plural = "buổi sinh hoạt"
        ordering = ["-planned_at", "-id"]
        indexes = [
            models.Index(fields=["org_path", "month"], name="meeting_path_month"),
            models.Index(fields=["organization", "month"], name="meeting_org_month"),
            # the months the records cover (selectors.months_on_record): one probe a month
            models.Index(fields=["month"], name="meeting_month"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "month"],
                condition=models.Q(kind=MeetingKind.REGULAR) & ~models.Q(state=MeetingState.CANCELLED),
                name="meeting_one_regular_per_month",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(started_at__isnull=True)
                | models.Q(ended_at__gt=models.F("started_at")),
                name="meeting_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        if self.kind == MeetingKind.REGULAR:
            return f"{label} tháng {self.month:%m/%Y}"
        return f"{label} ngày {self.planned_at:%d/%m/%Y}" + (f": {self.topic}" if self.topic else "")

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def duration_minutes(self) -> int | None:
        if self.started_at and self.ended_at:
            return int((self.ended_at - self.started_at).total_seconds() // 60)
        return None

    @property
    def attendance_rate(self) -> float | None:
        return 100 * self.present_count / self.base_count if self.base_count else None


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("members.Member", verbose_name="Đảng viên", on_delete=models.PROTECT,
                               related_name="attendance")  # fmt: skip
    presence = models.CharField("Có mặt", max_length=20, choices=Presence.choices)
    reason = models.CharField("Lý do", max_length=255, blank=True)

    class Meta:
        verbose_name = "điểm danh"
        verbose_name_plural = "điểm danh"
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")]
        indexes = [models.Index(fields=["member", "meeting"], name="attendance_member")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.get_presence_display()}"


class MeetingTask(models.Model):
    """Next month's tasks assigned to named members (part of the minutes)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="tasks")
    member = models.ForeignKey("members.Member", verbose_name="Người thực hiện", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    content = models.CharField("Nhiệm vụ", max_length=500)
    due_date = models.DateField("Thời hạn", null=True, blank=True)

    class Meta:
        verbose_name = "nhiệm vụ tháng tới"
        verbose_name_plural = "nhiệm vụ tháng tới"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.content
