from django.db import models


class Direction(models.TextChoices):
    INCOMING = "den", "Văn bản đến"
    OWN = "di", "Văn bản đi (cấp ủy ban hành)"


class Numbering(models.TextChoices):
    """Which sequence an own document's number belongs to (DOMAIN §6, HD 36-HD/VPTW §II.1.3.1). Empty for
    incoming documents: their numbers run in the sequences of their issuers."""

    TERM = "nhiem_ky", "Theo nhiệm kỳ cấp ủy"
    CONGRESS = "dai_hoi", "Văn bản của đại hội"
    # Numbers issued by dangbo before the numbering per term (it restarted them each year): legal facts, kept.
    YEAR = "nam", "Theo năm (số đã cấp trước khi sửa cách đánh số)"


class ReportKind(models.TextChoices):
    """What an organization reports back on an assigned task (DOMAIN §6)."""

    DISSEMINATION = "quan_triet", "Học tập, quán triệt (ngày, số đảng viên tham dự)"
    PROGRAMME = "chuong_trinh", "Chương trình hành động, kế hoạch thực hiện"
    WRITTEN = "bao_cao", "Báo cáo bằng văn bản"
    FIGURE = "so_lieu", "Báo cáo số liệu"


class AssigneeMode(models.TextChoices):
    # The value names are kept from the first version; the sets are the organizations directly under the
    # committee (for a bloc: its grassroots organizations; for a grassroots committee: its cells) on the date.
    ALL_GRASSROOTS = "tat_ca_co_so", "Tất cả tổ chức đảng trực thuộc"
    CHOSEN = "danh_sach", "Các tổ chức được chọn"
    SUBTREE = "nhanh", "Các tổ chức trực thuộc một đảng bộ cấp dưới"


class Unit(models.TextChoices):
    """Units of congress targets; each has its own rule for a valid value (``targets.check_value``)."""

    PERCENT = "phan_tram", "%"
    MEMBERS = "dang_vien", "đảng viên"
    ORGANIZATIONS = "to_chuc", "tổ chức"
    MONEY = "dong", "đồng"
    COUNT = "so_luong", "số lượng"


class TargetDirection(models.TextChoices):
    AT_LEAST = "toi_thieu", "Đạt trở lên"
    AT_MOST = "toi_da", "Không vượt quá"


class Measure(models.TextChoices):
    CUMULATIVE = "cong_don", "Cộng dồn trong nhiệm kỳ"
    LEVEL = "muc_dat", "Mức đạt tại thời điểm"


class TargetStatus(models.TextChoices):
    ACHIEVED = "dat", "Đã đạt"
    ON_TRACK = "dung_tien_do", "Đúng tiến độ"
    AT_RISK = "co_nguy_co", "Có nguy cơ không đạt"
    BEHIND = "cham", "Chậm tiến độ"
    NO_DATA = "chua_co_so_lieu", "Chưa có số liệu"


class Era(models.TextChoices):
    CURRENT = "2025", "Từ 01/07/2025 (chính quyền hai cấp)"
    BEFORE_2025 = "truoc_2025", "Trước 01/07/2025"


class ContributionKind(models.TextChoices):
    MONEY = "tien", "Tiền"
    GOODS = "hien_vat", "Hiện vật"
    WORK = "ngay_cong", "Ngày công"
