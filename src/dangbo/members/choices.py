from django.db import models


class Gender(models.TextChoices):
    MALE = "nam", "Nam"
    FEMALE = "nu", "Nữ"


class MemberStatus(models.TextChoices):
    PROBATIONARY = "du_bi", "Đảng viên dự bị"
    OFFICIAL = "chinh_thuc", "Đảng viên chính thức"
    TRANSFERRED_OUT = "chuyen_di", "Đã chuyển sinh hoạt đảng chính thức đi"
    REMOVED = "xoa_ten", "Đã xóa tên"
    EXPELLED = "khai_tru", "Đã khai trừ"
    RESIGNED = "ra_khoi_dang", "Đã xin ra khỏi Đảng"
    DECEASED = "tu_tran", "Đã từ trần"
    IN_TRANSIT = "dang_chuyen", "Đang chuyển sinh hoạt đảng"


# Short labels for narrow table columns.
STATUS_SHORT = {
    MemberStatus.PROBATIONARY: "Dự bị", MemberStatus.OFFICIAL: "Chính thức",
    MemberStatus.TRANSFERRED_OUT: "Đã chuyển đi", MemberStatus.REMOVED: "Đã xóa tên",
    MemberStatus.EXPELLED: "Đã khai trừ", MemberStatus.RESIGNED: "Đã ra khỏi Đảng",
    MemberStatus.DECEASED: "Đã từ trần", MemberStatus.IN_TRANSIT: "Đang chuyển",
}  # fmt: skip

# Members on the active roll of their cell.
ACTIVE_STATUSES = (MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL)


class PoliticalTheory(models.TextChoices):
    NONE = "chua_dao_tao", "Chưa qua đào tạo"
    ELEMENTARY = "so_cap", "Sơ cấp"
    INTERMEDIATE = "trung_cap", "Trung cấp"
    ADVANCED = "cao_cap", "Cao cấp"
    BACHELOR = "cu_nhan", "Cử nhân"


class GeneralEducation(models.TextChoices):
    GRADE_9 = "9/12", "9/12"
    GRADE_12 = "12/12", "12/12"
    OTHER = "khac", "Khác"


class Degree(models.TextChoices):
    NONE = "", "—"
    INTERMEDIATE = "trung_cap", "Trung cấp"
    COLLEGE = "cao_dang", "Cao đẳng"
    BACHELOR = "dai_hoc", "Đại học"
    MASTER = "thac_si", "Thạc sĩ"
    DOCTOR = "tien_si", "Tiến sĩ"


# The 54 ethnic groups of Việt Nam in the order of the official list (Quyết định 121-TCTK/PPCĐ),
# plus "Người nước ngoài". Stored by their Vietnamese name.
ETHNICITIES = [
    "Kinh", "Tày", "Thái", "Hoa", "Khơ-me", "Mường", "Nùng", "Mông", "Dao", "Gia-rai", "Ngái", "Ê-đê",
    "Ba-na", "Xơ-Đăng", "Sán Chay", "Cơ-ho", "Chăm", "Sán Dìu", "Hrê", "Mnông", "Ra-glai", "Xtiêng",
    "Bru-Vân Kiều", "Thổ", "Giáy", "Cơ-tu", "Gié-Triêng", "Mạ", "Khơ Mú", "Co", "Tà-ôi", "Chơ-ro",
    "Kháng", "Xinh-mun", "Hà Nhì", "Chu-ru", "Lào", "La Chí", "La Ha", "Phù Lá", "La Hủ", "Lự",
    "Lô Lô", "Chứt", "Mảng", "Pà Thẻn", "Cơ Lao", "Cống", "Bố Y", "Si La", "Pu Péo", "Brâu", "Ơ-đu",
    "Rơ-măm",
]  # fmt: skip
ETHNICITY_CHOICES = [(e, e) for e in ETHNICITIES] + [("Người nước ngoài", "Người nước ngoài")]

RELIGIONS = [
    "Không", "Phật giáo", "Công giáo", "Tin lành", "Cao Đài", "Phật giáo Hòa Hảo", "Hồi giáo", "Khác",
]  # fmt: skip
RELIGION_CHOICES = [(r, r) for r in RELIGIONS]


class AgeBand(models.TextChoices):
    """Age bands used by the list filter and the party's statistics forms."""

    UNDER_30 = "duoi_30", "Dưới 30 tuổi"
    FROM_30 = "30_40", "Từ 30 đến 40 tuổi"
    FROM_41 = "41_50", "Từ 41 đến 50 tuổi"
    FROM_51 = "51_60", "Từ 51 đến 60 tuổi"
    OVER_60 = "tren_60", "Trên 60 tuổi"


AGE_BAND_LIMITS = {
    # band: (min full years inclusive, max full years inclusive or None)
    AgeBand.UNDER_30: (0, 29),
    AgeBand.FROM_30: (30, 40),
    AgeBand.FROM_41: (41, 50),
    AgeBand.FROM_51: (51, 60),
    AgeBand.OVER_60: (61, None),
}


class EventKind(models.TextChoices):
    """A change in a member's standing (DOMAIN §2). Each is dated and carries its decision."""

    ENROLL = "nhap_ho_so", "Nhập hồ sơ vào danh sách"
    ADMISSION = "ket_nap", "Kết nạp vào Đảng"
    CEREMONY = "le_ket_nap", "Lễ kết nạp"
    OFFICIAL = "chinh_thuc", "Công nhận đảng viên chính thức"
    TRANSFER_OUT = "chuyen_di", "Chuyển sinh hoạt đảng đi"
    TRANSFER_IN = "chuyen_den", "Tiếp nhận sinh hoạt đảng"
    INTERNAL_MOVE = "chuyen_noi_bo", "Chuyển sinh hoạt nội bộ"
    RESTRUCTURE_MOVE = "sap_xep", "Chuyển theo sắp xếp tổ chức"
    TEMPORARY_OUT = "tam_di", "Chuyển sinh hoạt tạm thời đi"
    TEMPORARY_RETURN = "tam_ve", "Trở về sau sinh hoạt tạm thời"
    EXEMPTION = "mien", "Miễn công tác và sinh hoạt đảng"
    EXEMPTION_END = "het_mien", "Thôi miễn công tác và sinh hoạt đảng"
    DISCIPLINE = "ky_luat", "Kỷ luật"
    REMOVAL = "xoa_ten", "Xóa tên"
    EXPULSION = "khai_tru", "Khai trừ"
    RESIGNATION = "ra_khoi_dang", "Xin ra khỏi Đảng"
    DEATH = "tu_tran", "Từ trần"
    READMISSION = "ket_nap_lai", "Kết nạp lại"
    RESTORATION = "khoi_phuc", "Khôi phục đảng tịch"


class DisciplineForm(models.TextChoices):
    REPRIMAND = "khien_trach", "Khiển trách"
    WARNING = "canh_cao", "Cảnh cáo"
    DISMISSAL = "cach_chuc", "Cách chức"
    EXPULSION = "khai_tru", "Khai trừ"


class DecisionLevel(models.TextChoices):
    """The level of the body that issued a decision (cấp ra quyết định), so the Charter's powers can be checked
    (``rules.DecisionRules.authority``). The body's own name is kept beside it as text (``decision_issuer``)."""

    CELL = "chi_bo", "Chi bộ"
    GRASSROOTS = "co_so", "Tổ chức cơ sở đảng (đảng ủy cơ sở, chi bộ cơ sở)"
    GRASSROOTS_AUTHORIZED = "co_so_uy_quyen", "Đảng ủy cơ sở được ủy quyền kết nạp đảng viên"
    UPPER = (
        "cap_tren_co_so",
        (
            "Cấp ủy cấp trên trực tiếp của tổ chức cơ sở đảng (huyện ủy và tương đương, đảng ủy khối, đảng ủy xã, "
            "phường…)"
        ),
    )
    UPPER_INSPECTION = (
        "ubkt_cap_tren_co_so",
        "Ủy ban kiểm tra của cấp ủy cấp trên trực tiếp tổ chức cơ sở đảng",
    )
    PROVINCE = "tinh", "Tỉnh ủy, thành ủy và tương đương (cấp ủy trực thuộc Trung ương)"
    PROVINCE_INSPECTION = "ubkt_tinh", "Ủy ban kiểm tra tỉnh ủy, thành ủy và tương đương"
    CENTRAL = "trung_uong", "Trung ương (Bộ Chính trị, Ban Bí thư, Ủy ban Kiểm tra Trung ương)"


class PostLevel(models.TextChoices):
    """The highest party post a member holds on a date (the committee they sit on), which decides who may
    dismiss them (cách chức)."""

    NONE = "", "Không giữ chức vụ trong cấp ủy"
    CELL = "chi_bo", "Cấp ủy viên của chi bộ trực thuộc, đảng bộ bộ phận"
    GRASSROOTS = "co_so", "Cấp ủy viên của tổ chức cơ sở đảng"
    UPPER = "cap_tren", "Cấp ủy viên cấp trên cơ sở trở lên"


class TransferKind(models.TextChoices):
    OFFICIAL = "chinh_thuc", "Chuyển sinh hoạt đảng chính thức"
    TEMPORARY = "tam_thoi", "Chuyển sinh hoạt đảng tạm thời"
    INTERNAL = "noi_bo", "Chuyển sinh hoạt đảng nội bộ"
    ABROAD = "ngoai_nuoc", "Chuyển sinh hoạt đảng ra ngoài nước"


class TemporaryPurpose(models.TextChoices):
    """Why a member is transferred temporarily: the allowed length depends on it (``rules.AdmissionRules``)."""

    WORK = "cong_tac", "Thay đổi nơi công tác, nơi cư trú trong nước"
    STUDY = "hoc_tap", "Đi học tập trung, biệt phái"


class TransferState(models.TextChoices):
    SENT = "da_gui", "Đã giới thiệu, chờ tiếp nhận"
    RECEIVED = "da_nhan", "Đã tiếp nhận"
    CANCELLED = "da_huy", "Đã hủy"


class AuditEvents(models.TextChoices):
    """The business events of this app written to the audit log (core.registries.AUDIT_EVENTS)."""

    PERSONAL_DATA_VIEW = "members.personal_data.view", "Xem dữ liệu cá nhân"
    OWN_RECORD_EXPORT = "members.record.export_own", "Đảng viên tải hồ sơ của mình"
    PERSONAL_DATA_EXPORT = "members.personal_data.export", "Xuất danh sách đảng viên có số CCCD (để nhập lại)"
