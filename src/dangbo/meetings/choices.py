from django.db import models


class MeetingKind(models.TextChoices):
    """DOMAIN §3 and DOMAIN-SOURCES §12.3."""

    REGULAR = "thuong_ky", "Sinh hoạt thường kỳ"
    THEMATIC = "chuyen_de", "Sinh hoạt chuyên đề"
    EXTRAORDINARY = "bat_thuong", "Sinh hoạt bất thường"
    COMMITTEE = "cap_uy", "Hội nghị cấp ủy"
    PLENARY = "toan_the", "Hội nghị đảng bộ (toàn thể)"


class MeetingState(models.TextChoices):
    PLANNED = "du_kien", "Dự kiến"
    HELD = "da_hop", "Đã họp"
    CANCELLED = "da_huy", "Đã hủy"


class Presence(models.TextChoices):
    PRESENT = "co_mat", "Có mặt"
    LATE = "di_muon", "Đi muộn"
    EXCUSED = "vang_co_ly_do", "Vắng có lý do"
    UNEXCUSED = "vang_khong_ly_do", "Vắng không lý do"


ATTENDED = (Presence.PRESENT, Presence.LATE)
ABSENT = (Presence.EXCUSED, Presence.UNEXCUSED)
