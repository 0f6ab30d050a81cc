"""The member registry (phiếu đảng viên fields a registry needs from day one).

Denormalised columns kept by ``services.py``:
* ``name_norm`` — accent-free, lower-case name (search, B-tree prefix and full-text word search);
* ``name_sort`` — Vietnamese name order key (ORDER BY name_sort, id with keyset pagination;
  ``core.text.name_sort_key``, at most ``NAME_SORT_LENGTH`` characters);
* ``org_path`` — the path of the member's cell, so a subtree filter is one index range on members.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from dangbo.core.fields import BinaryCharField
from dangbo.core.http import id_url
from dangbo.core.models import BaseModel, DatedQuerySet
from dangbo.core.text import NAME_SORT_LENGTH

from .choices import (
    ACTIVE_STATUSES,
    ETHNICITY_CHOICES,
    RELIGION_CHOICES,
    STATUS_SHORT,
    DecisionLevel,
    Degree,
    DisciplineForm,
    EventKind,
    Gender,
    GeneralEducation,
    MemberStatus,
    PoliticalTheory,
    TemporaryPurpose,
    TransferKind,
    TransferState,
)

# The largest number a cell's vote may record (a small integer column; far beyond any cell's roll).
VOTES_MAX = 32767

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

    # DOMAIN §2: the date of joining is the ceremony date; party age counts from the admission decision.
    joined_date = models.DateField("Ngày vào Đảng", null=True)  # empty: admitted, ceremony not yet held
    joined_cell = models.CharField("Chi bộ kết nạp", max_length=255, blank=True)
    admission_decision_date = models.DateField("Ngày quyết định kết nạp", null=True, blank=True)
    admission_decision_no = models.CharField("Số quyết định kết nạp", max_length=100, blank=True)
    official_date = models.DateField("Ngày chính thức", null=True, blank=True)
    official_cell = models.CharField("Chi bộ công nhận chính thức", max_length=255, blank=True)
    introducer_1 = models.CharField("Người giới thiệu thứ nhất", max_length=120, blank=True)
    introducer_2 = models.CharField("Người giới thiệu thứ hai", max_length=120, blank=True)
    youth_union_date = models.DateField("Ngày vào Đoàn", null=True, blank=True)

    general_education = models.CharField(
        "Giáo dục phổ thông",
        max_length=10,
        choices=GeneralEducation.choices,
        default=GeneralEducation.GRADE_12,
    )
    professional_education = models.CharField("Chuyên môn, nghiệp vụ", max_length=255, blank=True)
    degree = models.CharField("Học vị", max_length=20, choices=Degree.choices, blank=True, default="")
    academic_title = models.CharField("Học hàm", max_length=50, blank=True)
    political_theory = models.CharField(
        "Lý luận chính trị", max_length=20, choices=PoliticalTheory.choices, default=PoliticalTheory.NONE
    )

    name_norm = BinaryCharField(max_length=120, editable=False, default="")
    name_sort = BinaryCharField(max_length=NAME_SORT_LENGTH, editable=False, default="")
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
                condition=models.Q(official_date__isnull=True)
                | models.Q(official_date__gte=models.F("joined_date")),
                name="member_official_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return id_url("members:detail", self.pk)

    @property
    def status_short(self) -> str:
        return STATUS_SHORT.get(self.status, self.get_status_display())

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class MemberEvent(models.Model):
    """A dated change in a member's standing with its decision — the source of truth of the member's history.

    The member's current state (``Member.status``, ``organization``, ``exempted``) and the roll periods
    (``MemberPeriod``) are derived from the events by ``history.replay`` and always agree with them.
    """

    member = models.ForeignKey(
        Member, verbose_name="Đảng viên", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("Sự kiện", max_length=20, choices=EventKind.choices)
    date = models.DateField("Ngày có hiệu lực")
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name="Chi bộ", null=True, blank=True, on_delete=models.PROTECT,
        related_name="member_events",
    )  # fmt: skip
    # The decision (for a transfer, its introduction letter). Events recorded before the level was kept have the
    # issuing body as text only.
    decision_no = models.CharField("Số quyết định", max_length=100, blank=True)
    decision_date = models.DateField("Ngày quyết định", null=True, blank=True)
    decision_level = models.CharField(
        "Cấp ra quyết định", max_length=30, choices=DecisionLevel.choices, blank=True
    )
    decision_issuer = models.CharField("Cơ quan ra quyết định", max_length=255, blank=True)
    discipline_form = models.CharField(
        "Hình thức kỷ luật", max_length=20, choices=DisciplineForm.choices, blank=True
    )
    discipline_year = models.PositiveSmallIntegerField("Tính cho năm", null=True, blank=True)
    transfer = models.ForeignKey(
        "Transfer", verbose_name="Giấy giới thiệu", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="events",
    )  # fmt: skip
    note = models.CharField("Ghi chú", max_length=500, blank=True)
    created_at = models.DateTimeField("Ngày nhập", auto_now_add=True)

    class Meta:
        verbose_name = "sự kiện của đảng viên"
        verbose_name_plural = "sự kiện của đảng viên"
        ordering = ["member", "date", "id"]
        indexes = [
            models.Index(fields=["member", "date"], name="member_event_member"),
            models.Index(fields=["kind", "date"], name="member_event_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.date:%d/%m/%Y})"


class MemberPeriod(models.Model):
    """One stretch of time a member stood on the roll of one cell with one status (derived from the events).

    ``org_path`` is the cell's path *during the period*: an organization moved by a restructuring splits the
    periods of its members on the date of the move, so "who was in subtree S on date D" and the movement table
    of any period are plain index ranges, and the history stays true after the tree changes.
    Periods of one member never overlap; a gap means the member was off every roll (in transit, or out).
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="periods")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    org_path = BinaryCharField(max_length=255)
    status = models.CharField(max_length=20, choices=MemberStatus.choices)
    exempted = models.BooleanField(default=False)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)  # exclusive; empty = still open
    start_kind = models.CharField(max_length=20, choices=EventKind.choices)
    end_kind = models.CharField(max_length=20, choices=EventKind.choices, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["member", "valid_from"]
        indexes = [
            models.Index(fields=["org_path", "valid_from"], name="member_period_path"),
            models.Index(fields=["member", "valid_to"], name="member_period_member"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=models.F("valid_from")),
                name="member_period_range",
            )
        ]

    def __str__(self) -> str:
        end = f"{self.valid_to:%d/%m/%Y}" if self.valid_to else "nay"
        return f"{self.member_id} @ {self.org_path} {self.valid_from:%d/%m/%Y}–{end}"


class Transfer(BaseModel):
    """A transfer of party activity (chuyển sinh hoạt đảng) as a two-sided handover: the sending side issues the
    introduction letter, the member is in transit, the receiving side accepts. Either side may be outside the
    deployment (``from_external`` / ``to_external``)."""

    member = models.ForeignKey(
        Member, verbose_name="Đảng viên", on_delete=models.CASCADE, related_name="transfers"
    )
    kind = models.CharField(
        "Hình thức", max_length=20, choices=TransferKind.choices, default=TransferKind.OFFICIAL
    )
    state = models.CharField(
        "Trạng thái", max_length=20, choices=TransferState.choices, default=TransferState.SENT
    )
    from_organization = models.ForeignKey(
        "organizations.Organization", verbose_name="Chi bộ chuyển đi", null=True, blank=True,
        on_delete=models.PROTECT, related_name="transfers_out",
    )  # fmt: skip
    from_external = models.CharField("Nơi chuyển đến từ (ngoài hệ thống)", max_length=255, blank=True)
    to_organization = models.ForeignKey(
        "organizations.Organization", verbose_name="Tổ chức đảng nơi đến", null=True, blank=True,
        on_delete=models.PROTECT, related_name="transfers_in",
    )  # fmt: skip
    to_external = models.CharField("Nơi đến (ngoài hệ thống)", max_length=255, blank=True)
    received_cell = models.ForeignKey(
        "organizations.Organization", verbose_name="Chi bộ tiếp nhận", null=True, blank=True,
        on_delete=models.PROTECT, related_name="transfers_received",
    )  # fmt: skip
    moved_date = models.DateField("Ngày chuyển công tác, nơi cư trú", null=True, blank=True)
    letter_no = models.CharField("Số giấy giới thiệu", max_length=100, blank=True)
    sent_date = models.DateField("Ngày giới thiệu")
    valid_until = models.DateField("Giấy có giá trị đến ngày", null=True, blank=True)
    dues_paid_to = models.DateField("Đã đóng đảng phí đến hết tháng", null=True, blank=True)
    temporary_until = models.DateField("Sinh hoạt tạm thời đến ngày", null=True, blank=True)
    purpose = models.CharField(
        "Trường hợp chuyển tạm thời", max_length=20, choices=TemporaryPurpose.choices, blank=True
    )  # temporary transfers: the allowed length depends on it
    issuer_level = models.CharField(
        "Cấp giới thiệu", max_length=30, choices=DecisionLevel.choices, blank=True
    )
    issuer = models.CharField("Cấp ủy giới thiệu", max_length=255, blank=True)
    received_date = models.DateField("Ngày tiếp nhận", null=True, blank=True)
    ended_date = models.DateField("Ngày trở về", null=True, blank=True)
    reason = models.CharField("Lý do", max_length=255, blank=True)

    class Meta:
        verbose_name = "chuyển sinh hoạt đảng"
        verbose_name_plural = "chuyển sinh hoạt đảng"
        ordering = ["-sent_date", "-id"]
        indexes = [models.Index(fields=["state", "sent_date"], name="transfer_state")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.member}"

    def get_absolute_url(self) -> str:
        return reverse("members:transfer", args=[self.pk])

    @property
    def destination(self) -> str:
        return str(self.received_cell or self.to_organization or self.to_external)

    @property
    def origin(self) -> str:
        return str(self.from_organization or self.from_external)


class Candidate(BaseModel):
    """A person on the way to admission (quần chúng ưu tú → người xin vào Đảng), followed by their cell.

    The steps are the dossier of DOMAIN §2 in order; ``admission/services.py`` checks them against the rules
    in force (``rules.py``) and, at the admission decision, creates the member record with its "kết nạp" event.
    """

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="Chi bộ",
        on_delete=models.PROTECT,
        related_name="candidates",
    )
    full_name = models.CharField("Họ và tên", max_length=120)
    gender = models.CharField("Giới tính", max_length=5, choices=Gender.choices)
    birth_date = models.DateField("Ngày sinh")
    ethnicity = models.CharField("Dân tộc", max_length=40, choices=ETHNICITY_CHOICES, default="Kinh")
    religion = models.CharField("Tôn giáo", max_length=40, choices=RELIGION_CHOICES, default="Không")
    occupation = models.CharField("Nghề nghiệp, đơn vị công tác", max_length=255, blank=True)
    general_education = models.CharField(
        "Giáo dục phổ thông",
        max_length=10,
        choices=GeneralEducation.choices,
        default=GeneralEducation.GRADE_12,
    )
    education_exception = models.BooleanField(
        "Thuộc diện được vận dụng về trình độ học vấn (vùng khó khăn)", default=False
    )
    mentor = models.ForeignKey(
        Member, verbose_name="Đảng viên được phân công giúp đỡ", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="mentees",
    )  # fmt: skip
    course_certificate_no = models.CharField(
        "Số giấy chứng nhận học lớp nhận thức về Đảng", max_length=50, blank=True
    )
    course_date = models.DateField("Ngày cấp giấy chứng nhận", null=True, blank=True)
    application_date = models.DateField("Ngày làm đơn xin vào Đảng", null=True, blank=True)
    cv_verified_date = models.DateField("Ngày hoàn thành thẩm tra lý lịch", null=True, blank=True)
    introducer_1 = models.ForeignKey(
        Member, verbose_name="Người giới thiệu thứ nhất", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    introducer_1_since = models.DateField("Người thứ nhất biết người xin vào Đảng từ", null=True, blank=True)
    introducer_2 = models.ForeignKey(
        Member, verbose_name="Người giới thiệu thứ hai", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    introducer_2_since = models.DateField("Người thứ hai biết người xin vào Đảng từ", null=True, blank=True)
    cell_resolution_date = models.DateField("Ngày chi bộ xét, biểu quyết", null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField(
        "Số đảng viên chính thức tán thành", null=True, blank=True, validators=[MaxValueValidator(VOTES_MAX)]
    )
    official_members = models.PositiveSmallIntegerField(
        "Tổng số đảng viên chính thức của chi bộ", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(VOTES_MAX)],
    )  # fmt: skip
    grassroots_resolution_date = models.DateField("Ngày nghị quyết của đảng ủy cơ sở", null=True, blank=True)
    decision_no = models.CharField("Số quyết định kết nạp", max_length=100, blank=True)
    decision_date = models.DateField("Ngày quyết định kết nạp", null=True, blank=True)
    decision_level = models.CharField(
        "Cấp ra quyết định", max_length=30, choices=DecisionLevel.choices, blank=True
    )
    decision_issuer = models.CharField("Cơ quan ra quyết định", max_length=255, blank=True)
    member = models.OneToOneField(
        Member, verbose_name="Hồ sơ đảng viên", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="candidacy",
    )  # fmt: skip
    withdrawn_date = models.DateField("Ngày dừng xem xét", null=True, blank=True)
    note = models.CharField("Ghi chú", max_length=500, blank=True)
    name_sort = BinaryCharField(max_length=NAME_SORT_LENGTH, editable=False, default="")

    class Meta:
        verbose_name = "người xin vào Đảng"
        verbose_name_plural = "người xin vào Đảng"
        ordering = ["name_sort", "id"]
        # The cell's vote can not count more official members in favour than it has, nor numbers beyond a small
        # integer (the column type on PostgreSQL; SQLite would store anything).
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(official_members__isnull=True) | models.Q(official_members__range=(1, VOTES_MAX))
                )
                & (models.Q(votes_for__isnull=True) | models.Q(votes_for__range=(0, VOTES_MAX))),
                name="candidate_vote_numbers_range",
                violation_error_message=f"Kết quả biểu quyết: số đảng viên phải từ 1 đến {VOTES_MAX}.",
            ),
            models.CheckConstraint(
                condition=models.Q(votes_for__isnull=True)
                | models.Q(official_members__isnull=True)
                | models.Q(votes_for__lte=models.F("official_members")),
                name="candidate_votes_within_members",
                violation_error_message="Số đảng viên chính thức tán thành: lớn hơn tổng số đảng viên chính thức.",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("members:candidate", args=[self.pk])
