from django.db import models


class ReviewKind(models.TextChoices):
    """The review reports a committee writes (báo cáo sơ kết, tổng kết) and the period each one presets."""

    HALF_YEAR = "6_thang", "Sơ kết 6 tháng đầu năm"
    YEAR = "nam", "Tổng kết năm"
    MIDTERM = "giua_nhiem_ky", "Sơ kết giữa nhiệm kỳ"
