"""Choices of party dues (DOMAIN §5): member groups, grounds of exemption, ways of paying, audit events."""

from django.db import models


class Group(models.TextChoices):
    """What a member's dues are computed from (the basis typed with the group, see ``rules.DuesRules.owed``)."""

    SALARY = "luong_bhxh", "Hưởng lương, đóng BHXH bắt buộc (1% tiền lương đóng BHXH tháng trước)"
    ALLOWANCE = "tro_cap_bhxh", "Nghỉ ốm, thai sản hưởng trợ cấp BHXH (1% trợ cấp)"
    PENSION = "luong_huu", "Hưởng lương hưu (0,5% lương hưu)"
    STUDENT = "hoc_sinh", "Học sinh, sinh viên"
    OTHER = "khac", "Đảng viên khác (nông dân, lao động tự do…): mức chi bộ quyết định"
    OTHER_ELDER = "khac_het_tuoi", "Đảng viên khác đã hết tuổi lao động"


PERCENT_GROUPS = (Group.SALARY, Group.ALLOWANCE, Group.PENSION)
FIXED_GROUPS = (Group.OTHER, Group.OTHER_ELDER)  # the basis is the monthly amount the cell decided


class Exemption(models.TextChoices):
    PARTY_AGE = "tuoi_dang", "Có từ 50 năm tuổi Đảng trở lên"
    SOCIAL_PENSION = "tro_cap_huu_xa_hoi", "Hưởng trợ cấp hưu trí xã hội"
    POOR = "ho_ngheo", "Thuộc hộ nghèo, hộ cận nghèo"
    ILLNESS = "benh_hiem_ngheo", "Mắc bệnh hiểm nghèo (danh mục của Bộ Y tế)"
    HARDSHIP = "kho_khan", "Hoàn cảnh khó khăn (theo đề nghị, có thời hạn)"


class Way(models.TextChoices):
    CASH = "tien_mat", "Tiền mặt tại chi bộ"
    PORTAL = "cong_dvc", "Cổng Dịch vụ công quốc gia"
    BANK = "chuyen_khoan", "Chuyển khoản"


class AuditEvents(models.TextChoices):
    BASIS = "dues.basis.set", "Ghi mức, căn cứ đóng đảng phí"
    PAYMENT = "dues.payment.record", "Ghi thu đảng phí"
    REMIT = "dues.remittance.send", "Ghi nộp đảng phí lên cấp trên"
    RECEIVE = "dues.remittance.receive", "Xác nhận nhận đảng phí cấp dưới nộp"
    GENERATE = "dues.sheet.generate", "Lập số đảng phí phải thu của tháng"
