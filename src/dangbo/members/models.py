"""The member registry (phiếu đảng viên fields a registry needs from day one).

Denormalised columns kept by ``services.py``:
* ``name_norm`` — accent-free, lower-case name (search, B-tree prefix and full-text word search);
* ``name_sort`` — Vietnamese name order key (ORDER BY name_sort, id with keyset pagination);
* ``org_path`` — the path of the member's cell, so a subtree filter is one index range on members.
"""

from django.db import models
from django.urls import reverse

from dangbo.core.fields import BinaryCharField
from dangbo.core.models import BaseModel

from .choices import (
    ACTIVE_STATUSES,
    ETHNICITY_CHOICES,
    RELIGION_CHOICES,
    STATUS_SHORT,
    Degree,
    Gender,
    GeneralEducation,
    MemberStatus,
    PoliticalTheory,
)

LIST_INDEX_KEYS = {"sort": ["name_sort", "id", "org_path"], "scope": ["org_path", "name_sort", "id"]}
LIST_INDEX_FILTERS = ["status", "gender", "political_theory", "ethnicity", "birth_date"]


class Member(BaseModel):
    full_name = models.CharField("Họ và tên", max_length=120)
    other_names = models.CharField("Tên gọi khác", max_length=120, blank=True)
    gender = models.CharField("Giới tính", max_length=5, choices=Gender.choices)
    birth_date = models.DateField("Ngày sinh")
    birth_place = models.CharField("Nơi sinh", max_length=255, blank=True)
    native_place = models.CharField("Quê quán", max_length=255, blank=True)
    residence = models.CharField("Nơi thường trú", max_length=255, blank=True)
    ethnicity = models.CharField("Dân tộc", max_length=40, choices=ETHNICITY_CHOICES, default="Kinh")
    religion = models.CharField("Tôn giáo", max_length=40, choices=RELIGION_CHOICES, default="Không")
    occupation = models.CharField("Nghề nghiệp", max_length=255, blank=True)
    citizen_id = models.CharField("Số CCCD", max_length=12, null=True, blank=True, unique=True)
    phone = models.CharField("Điện thoại", max_length=20, blank=True)
    card_number = models.CharField("Số thẻ đảng viên", max_length=30, blank=True)
    cv_number = models.CharField("Số lý lịch", max_length=30, blank=True)

    organization = models.ForeignKey(
        "organizations.Organization", verbose_name="Chi bộ", on_delete=models.PROTECT, related_name="members"
    )
    status = models.CharField(
        "Tình trạng", max_length=20, choices=MemberStatus.choices, default=MemberStatus.PROBATIONARY
    )
    exempted = models.BooleanField("Miễn công tác và sinh hoạt đảng", default=False)

    joined_date = models.DateField("Ngày vào Đảng")
    joined_cell = models.CharField("Chi bộ kết nạp", max_length=255, blank=True)
    admission_decision_date = models.DateField("Ngày quyết định kết nạp", null=True, blank=True)
    official_date = models.DateField("Ngày chính thức", null=True, blank=True)
    official_cell = models.CharField("Chi bộ công nhận chính thức", max_length=255, blank=True)
    introducer_1 = models.CharField("Người giới thiệu thứ nhất", max_length=120, blank=True)
    introducer_2 = models.CharField("Người giới thiệu thứ hai", max_length=120, blank=True)
    youth_union_date = models.DateField("Ngày vào Đoàn", null=True, blank=True)

    general_education = models.CharField(
        "Giáo dục phổ thông", max_length=10, choices=GeneralEducation.choices, default=GeneralEducation.GRADE_12
    )
    professional_education = models.CharField("Chuyên môn, nghiệp vụ", max_length=255, blank=True)
    degree = models.CharField("Học vị", max_length=20, choices=Degree.choices, blank=True, default="")
    academic_title = models.CharField("Học hàm", max_length=50, blank=True)
    political_theory = models.CharField(
        "Lý luận chính trị", max_length=20, choices=PoliticalTheory.choices, default=PoliticalTheory.NONE
    )

    name_norm = BinaryCharField(max_length=120, editable=False, default="")
    name_sort = BinaryCharField(max_length=200, editable=False, default="")
    org_path = BinaryCharField(max_length=255, editable=False, default="")

    class Meta:
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"
        ordering = ["name_sort", "id"]
        # The two list indexes carry the filter columns after their keys, so a filtered list page and its
        # count are answered from the index alone (index-only scans on both databases); only the rows of the
        # page are then read from the table (core.pagination.keyset_page fetches ids first).
        indexes = [
            models.Index(fields=[*LIST_INDEX_KEYS["sort"], *LIST_INDEX_FILTERS], name="member_list_sort"),
            models.Index(fields=[*LIST_INDEX_KEYS["scope"], *LIST_INDEX_FILTERS], name="member_list_scope"),
            models.Index(fields=["name_norm"], name="member_name_norm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(official_date__isnull=True) | models.Q(official_date__gte=models.F("joined_date")),
                name="member_official_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.pk])

    @property
    def status_short(self) -> str:
        return STATUS_SHORT.get(self.status, self.get_status_display())

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES
