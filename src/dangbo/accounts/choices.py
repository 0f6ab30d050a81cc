from django.db import models


class Role(models.TextChoices):
    """A role is held at an organization and covers its whole subtree."""

    STAFF = "can_bo", "Cán bộ cơ quan tham mưu của cấp ủy"
    LEADER = "lanh_dao", "Lãnh đạo (Ban Thường vụ)"
    GRASSROOTS_SECRETARY = "bi_thu_co_so", "Bí thư, Phó Bí thư tổ chức cơ sở đảng"
    CELL_SECRETARY = "bi_thu_chi_bo", "Bí thư, Phó Bí thư chi bộ"
    MEMBER = "dang_vien", "Đảng viên"
