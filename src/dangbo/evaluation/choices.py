from django.db import models


class Level(models.TextChoices):
    """The four levels (DOMAIN §4, DOMAIN-SOURCES §12.2), with the labels of QĐ 124/366. Older frames name the same
    levels differently (``rules.EvaluationRules.labels``)."""

    EXCELLENT = "htxsnv", "Hoàn thành xuất sắc nhiệm vụ"
    GOOD = "httnv", "Hoàn thành tốt nhiệm vụ"
    DONE = "htnv", "Hoàn thành nhiệm vụ"
    FAILED = "khtnv", "Không hoàn thành nhiệm vụ"


SHORT = {Level.EXCELLENT: "HTXSNV", Level.GOOD: "HTTNV", Level.DONE: "HTNV", Level.FAILED: "KHTNV"}
# 1 = highest. "Not above HTNV" is rank >= RANK[DONE].
RANK = {Level.EXCELLENT: 1, Level.GOOD: 2, Level.DONE: 3, Level.FAILED: 4}


class PeriodKind(models.TextChoices):
    """QĐ 366 evaluates per term, year, quarter or ad hoc; earlier frames per year only (DOMAIN-SOURCES §1.1)."""

    YEAR = "nam", "Năm"
    QUARTER = "quy", "Quý"
    TERM = "nhiem_ky", "Nhiệm kỳ"
    AD_HOC = "dot_xuat", "Đột xuất"


class CampaignStatus(models.TextChoices):
    OPEN = "mo", "Đang tự đánh giá"
    REVIEWING = "xem_xet", "Đang xem xét, đề xuất"
    DECIDED = "da_quyet_dinh", "Đã quyết định"


class NotRated(models.TextChoices):
    """Why a subject is "chưa xếp loại" (DOMAIN-SOURCES §1.4: a reason code) [I]."""

    NEWLY_ADMITTED = "moi_ket_nap", "Mới kết nạp, chưa đủ thời gian sinh hoạt trong kỳ"
    EXEMPTED = "mien", "Được miễn công tác và sinh hoạt đảng"
    ILLNESS = "om_dau", "Ốm đau dài ngày"
    AWAY = "lam_an_xa", "Đi làm ăn xa, không liên lạc được"
    DISCIPLINE_PENDING = "xem_xet_ky_luat", "Đang xem xét kỷ luật"
    OTHER = "khac", "Lý do khác"


class Subject(models.TextChoices):
    """Who a criteria catalogue rates."""

    MEMBER = "dang_vien", "Đảng viên"
    ORGANIZATION = "to_chuc", "Tổ chức đảng"


class Part(models.TextChoices):
    """The two parts of QĐ 366's 100 points (DOMAIN §4)."""

    COMMON = "chung", "Tiêu chí chung"
    TASKS = "nhiem_vu", "Kết quả thực hiện nhiệm vụ"


class Grade(models.TextChoices):
    """The grade of one criterion under QĐ 124 (and QĐ 132) (DOMAIN §4)."""

    EXCELLENT = "xuat_sac", "Xuất sắc"
    GOOD = "tot", "Tốt"
    AVERAGE = "trung_binh", "Trung bình"
    POOR = "kem", "Kém"


class AuditEvents(models.TextChoices):
    """The business events of this app written to the audit log (core.registries.AUDIT_EVENTS)."""

    OPEN = "evaluation.campaign.open", "Mở đợt đánh giá, xếp loại chất lượng"
    REVIEW = "evaluation.campaign.review", "Chuyển đợt đánh giá sang xem xét, đề xuất"
    DECIDE = "evaluation.campaign.decide", "Quyết định xếp loại chất lượng"
    REOPEN = "evaluation.campaign.reopen", "Mở lại đợt đánh giá đã quyết định"
    SELF = "evaluation.rating.self", "Tự đánh giá, xếp loại"
    PROPOSE = "evaluation.rating.propose", "Đề xuất mức xếp loại"
    NOT_RATED = "evaluation.rating.not_rated", "Ghi chưa xếp loại"
    CATALOGUE = "evaluation.catalogue.save", "Ghi danh mục tiêu chí đánh giá của cấp ủy"
    RESIDENCE = "evaluation.residence.save", "Ghi nhận xét của chi bộ nơi cư trú"
    REGISTER = "evaluation.residence.register", "Ghi đăng ký liên hệ với chi bộ nơi cư trú"
