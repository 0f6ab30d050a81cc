from django.db import models


class OrgKind(models.TextChoices):
    PROVINCE = "tinh", "Đảng bộ tỉnh"
    DIRECT = "truc_thuoc", "Đảng bộ trực thuộc Tỉnh ủy"
    GRASSROOTS_COMMITTEE = "dang_bo_co_so", "Đảng bộ cơ sở"
    GRASSROOTS_CELL = "chi_bo_co_so", "Chi bộ cơ sở"
    SUB_COMMITTEE = "dang_bo_bo_phan", "Đảng bộ bộ phận"
    SUBORDINATE_CELL = "chi_bo_truc_thuoc", "Chi bộ trực thuộc"


# DOMAIN.md §1: which kinds may sit under which. Party groups (tổ đảng) are not organizations of their own.
ALLOWED_PARENTS: dict[str, tuple[str | None, ...]] = {
    OrgKind.PROVINCE: (None,),
    OrgKind.DIRECT: (OrgKind.PROVINCE,),
    OrgKind.GRASSROOTS_COMMITTEE: (OrgKind.DIRECT,),
    OrgKind.GRASSROOTS_CELL: (OrgKind.DIRECT,),
    OrgKind.SUB_COMMITTEE: (OrgKind.GRASSROOTS_COMMITTEE,),
    OrgKind.SUBORDINATE_CELL: (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.SUB_COMMITTEE),
}

# A member belongs to exactly one cell-level organization at a time.
CELL_KINDS = (OrgKind.GRASSROOTS_CELL, OrgKind.SUBORDINATE_CELL)
# Grassroots organizations (tổ chức cơ sở đảng).
GRASSROOTS_KINDS = (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL)


class Position(models.TextChoices):
    SECRETARY = "bi_thu", "Bí thư"
    DEPUTY_SECRETARY = "pho_bi_thu", "Phó Bí thư"
    STANDING = "uy_vien_btv", "Ủy viên Ban Thường vụ"
    EXECUTIVE = "uy_vien_bch", "Ủy viên Ban Chấp hành"


class AuditEvents(models.TextChoices):
    """The business events of this app written to the audit log (core.registries.AUDIT_EVENTS)."""

    CREATE = "organizations.organization.create", "Lập tổ chức đảng"
    UPDATE = "organizations.organization.update", "Sửa thông tin tổ chức"
    MOVE = "organizations.organization.move", "Chuyển trực thuộc"
    RENAME = "organizations.organization.rename", "Đổi tên tổ chức"
    DISSOLVE = "organizations.organization.dissolve", "Kết thúc hoạt động (giải thể, hợp nhất)"
    TERM_CREATE = "organizations.term.create", "Ghi nhiệm kỳ cấp ủy"
    SEAT_ADD = "organizations.seat.add", "Ghi cấp ủy viên"
    SEAT_END = "organizations.seat.end", "Thôi giữ chức vụ cấp ủy"
