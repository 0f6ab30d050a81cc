from django.db import models


class ReviewKind(models.TextChoices):
    """The review reports a committee writes (báo cáo sơ kết, tổng kết) and the period each one presets."""

    HALF_YEAR = "6_thang", "Sơ kết 6 tháng đầu năm"
    YEAR = "nam", "Tổng kết năm"
    MIDTERM = "giua_nhiem_ky", "Sơ kết giữa nhiệm kỳ"


class ReviewState(models.TextChoices):
    DRAFT = "du_thao", "Dự thảo"
    ISSUED = "ban_hanh", "Đã ban hành"


class AuditEvents(models.TextChoices):
    REVIEW_ISSUE = "reports.review.issue", "Ban hành báo cáo sơ kết, tổng kết"
