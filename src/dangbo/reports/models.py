"""Rollups of the reporting layer: per-cell, per-month aggregates of the member roll (``reports/rollups/services.py``).

They are derived data — never entered, never edited by hand: ``rollups.rebuild`` writes them from the roll periods
(``members.MemberPeriod``) and the member records, the services that change those facts rewrite the rows they touch
in the same transaction (``core.registries.FACT_CHANGES``), and ``dangbo rollups check`` compares every row with a
live recount. A row carries the ``org_path`` of its cell *on the day it describes*, so a subtree of any date is one
index range, whatever was restructured since.
"""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from dangbo.core.fields import BinaryCharField
from dangbo.core.models import BaseModel

from .choices import ReviewKind, ReviewState


class RollupMonth(models.Model):
    """The calendar of the rollups: one row per month they cover (its last day and the birth dates that bound the
    age bands on that day), so the rollup is one portable INSERT … SELECT joined with this table."""

    month = models.DateField(primary_key=True)  # first day
    last = models.DateField()  # the day the month's figures describe
    born_30 = models.DateField()  # last day − 30 years: born after it ⇒ under 30 on ``last``
    born_41 = models.DateField()
    born_51 = models.DateField()
    born_61 = models.DateField()

    class Meta:
        ordering = ["month"]
        verbose_name = "tháng của số liệu tổng hợp"

    def __str__(self):
        return f"{self.month:%m/%Y}"


class MemberMonth(models.Model):
    """The roll of one cell on the last day of one month: how many, by status and by the composition dimensions of
    ``members.counts.selectors.composition``."""

    # No index of its own: ``member_month_unique`` begins with it (a national rebuild built 299 MB for nothing).
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    month = models.DateField()  # first day; the figures are those of the month's last day
    org_path = BinaryCharField(max_length=255)  # the cell's path on the month's last day
    rows = models.IntegerField(default=0)  # roll periods counted (every status)
    official = models.IntegerField(default=0)
    probationary = models.IntegerField(default=0)
    exempted = models.IntegerField(default=0)
    male = models.IntegerField(default=0)
    female = models.IntegerField(default=0)
    kinh = models.IntegerField(default=0)
    age_under_30 = models.IntegerField(default=0)
    age_30_40 = models.IntegerField(default=0)
    age_41_50 = models.IntegerField(default=0)
    age_51_60 = models.IntegerField(default=0)
    age_over_60 = models.IntegerField(default=0)
    theory_none = models.IntegerField(default=0)
    theory_elementary = models.IntegerField(default=0)
    theory_intermediate = models.IntegerField(default=0)
    theory_advanced = models.IntegerField(default=0)
    theory_bachelor = models.IntegerField(default=0)

    class Meta:
        verbose_name = "số đảng viên của chi bộ cuối tháng"
        constraints = [
            models.UniqueConstraint(fields=["organization", "month", "org_path"], name="member_month_unique")
        ]
        # The headcount columns in the key: the headcounts of a subtree's months (``rollups.series``, the movement's
        # opening and closing) are read from the index alone on PostgreSQL (an index-only scan).
        indexes = [
            models.Index(fields=["month", "org_path", "official", "probationary"], name="member_month_heads")
        ]

    def __str__(self):
        return f"{self.organization_id} {self.month:%m/%Y}: {self.official + self.probationary}"


class MemberMove(models.Model):
    """Steps of a cell's roll on one day: members whose roll period began (``direction`` +1, by the event that
    opened it) or ended (−1, by the event that closed it) there, with the path of the member's neighbouring period
    (the one ending the day this one begins, or beginning the day it ends; "" when there is none), so the movement of
    any subtree can leave out the moves inside it (``members.counts.selectors.movement``)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    day = models.DateField()
    direction = models.SmallIntegerField()  # +1 up (a period begins), −1 down (a period ends on ``day``)
    kind = models.CharField(max_length=20)  # the event kind that opened/closed the period
    org_path = BinaryCharField(max_length=255)  # the period's own path
    other_path = BinaryCharField(max_length=255, blank=True, default="")  # the neighbouring period's path
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = "biến động đảng viên của chi bộ trong ngày"
        indexes = [models.Index(fields=["day", "org_path"], name="member_move_day")]

    def __str__(self):
        return f"{self.organization_id} {self.day:%d/%m/%Y} {self.kind} {self.direction:+d}×{self.n}"


class MeetingMonth(models.Model):
    """The meetings of one cell (any organization that holds meetings) in one month, cancelled ones left out: what the
    monthly meeting grid and the meetings section of a review report read (``reports/rollups/services.py``). A cell
    holds at most one regular meeting a month (``meeting_one_regular_per_month``), so the time of a planned one and
    the grades of a held one are columns."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    month = models.DateField()  # first day
    org_path = BinaryCharField(max_length=255)  # the meetings' path (the organization's path on their date)
    regular_held = models.IntegerField(default=0)  # regular meetings held (roll call or minutes recorded)
    regular_planned = models.IntegerField(default=0)  # regular meetings planned, not recorded
    regular_planned_at = models.DateTimeField(
        null=True, blank=True
    )  # when the planned one is (ahead or missed)
    regular_last = models.IntegerField(null=True, blank=True)  # id of the held regular meeting (a link)
    base_count = models.IntegerField(default=0)  # of the held regular meetings: members expected
    present_count = models.IntegerField(default=0)  # … present
    unexcused_count = models.IntegerField(default=0)  # … absent without reason
    criteria_passed = models.IntegerField(
        default=0
    )  # … quality criteria met (the minutes' quality, meetings.rules)
    criteria_total = models.IntegerField(default=0)
    upper_grade = models.ForeignKey("meetings.GradeLevel", null=True, blank=True, on_delete=models.DO_NOTHING,
                                    related_name="+", db_constraint=False)  # fmt: skip
    self_grade = models.ForeignKey("meetings.GradeLevel", null=True, blank=True, on_delete=models.DO_NOTHING,
                                   related_name="+", db_constraint=False)  # fmt: skip
    thematic_held = models.IntegerField(default=0)  # thematic meetings held
    other_held = models.IntegerField(default=0)  # extraordinary meetings, committee meetings, plenaries held

    class Meta:
        verbose_name = "sinh hoạt của chi bộ trong tháng"
        constraints = [
            models.UniqueConstraint(fields=["organization", "month", "org_path"], name="meeting_month_unique")
        ]
        indexes = [models.Index(fields=["month", "org_path"], name="meeting_month_path")]

    def __str__(self):
        return f"{self.organization_id} {self.month:%m/%Y}: {self.regular_held} thường kỳ"


class MeetingTotal(models.Model):
    """The meetings of a whole subtree in one month, at every level of the tree (a cell, a grassroots organization,
    a directly-subordinate committee, a province): the sum of the ``MeetingMonth`` rows whose path passes through
    ``org_path`` — the organization's path *at the time of the meetings*, so the subtree of any year is one key
    whatever was restructured since. Split by the grades of the regular meeting (0: none; a cell holds at most one
    regular meeting a month, so each ``MeetingMonth`` row falls in one pair) so the grades of a period are read
    here too. The grid of a province is ≈ 12 rows per child organization (and grade pair) instead of one per cell
    and month. Kept by ``rollups.services`` in the transaction of every meeting write (the differences of the
    ``MeetingMonth`` rows it rewrote, added along the path); ``dangbo rollups check`` recounts."""

    # The subtree's organization (the last id of ``org_path``); the unique key below serves every read.
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+",
                                     db_constraint=False, db_index=False)  # fmt: skip
    org_path = BinaryCharField(
        max_length=255
    )  # the subtree: the organization's path at the time of the meetings
    month = models.DateField()  # first day
    upper_grade = models.IntegerField(
        default=0
    )  # ``meetings.GradeLevel`` id of the upper level's grade; 0: none
    self_grade = models.IntegerField(default=0)  # … of the cell's own grade
    regular_held = models.IntegerField(default=0)
    regular_planned = models.IntegerField(default=0)  # planned, not recorded
    base_count = models.IntegerField(default=0)  # of the held regular meetings: members expected
    present_count = models.IntegerField(default=0)
    unexcused_count = models.IntegerField(default=0)
    criteria_passed = models.IntegerField(default=0)
    criteria_total = models.IntegerField(default=0)
    thematic_held = models.IntegerField(default=0)
    other_held = models.IntegerField(default=0)
    # On the row of a quarter's first month (grades 0, 0): the organizations of the subtree that held a thematic
    # meeting in the quarter (a distinct count: not a sum of the months).
    thematic_cells = models.IntegerField(default=0)

    class Meta:
        verbose_name = "sinh hoạt của tổ chức (cả cấp dưới) trong tháng"
        constraints = [
            models.UniqueConstraint(
                fields=["org_path", "month", "upper_grade", "self_grade"], name="meeting_total_unique"
            )
        ]

    def __str__(self):
        return f"{self.org_path} {self.month:%m/%Y}: {self.regular_held} thường kỳ"


class RollupState(models.Model):
    """One row: when the rollups were last rebuilt and the last month they cover (the watermark of the calendar;
    months after it are answered by a live count until ``dangbo rollups extend`` adds them)."""

    through = models.DateField(
        null=True, blank=True
    )  # first day of the last month covered; empty = not built
    built_at = models.DateTimeField(null=True, blank=True)
    # When ``MeetingMonth`` was last written whole; empty: the meetings are counted live (an install that had member
    # rollups before the meeting ones: ``dangbo rollups rebuild`` or the daily ``extend`` builds them).
    meetings_built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "trạng thái số liệu tổng hợp"

    def __str__(self):
        return f"{self.through:%m/%Y}" if self.through else "chưa dựng"


class Review(BaseModel):
    """A review report (sơ kết, tổng kết) of one organization and period: a draft whose figures are computed each time
    it is opened, then issued — its number taken from the organization's document register (``steering``) and its
    figures frozen here, so a later backdated change does not alter what was issued (the page shows both)."""

    organization = models.ForeignKey("organizations.Organization", verbose_name="Tổ chức", on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    kind = models.CharField("Loại báo cáo", max_length=20, choices=ReviewKind.choices)
    year = models.PositiveSmallIntegerField("Năm")
    start = models.DateField("Từ ngày")
    end = models.DateField("Đến ngày")
    day = models.DateField("Ngày báo cáo")
    next_tasks = models.TextField("Phương hướng, nhiệm vụ kỳ tới", blank=True)
    state = models.CharField(
        "Trạng thái", max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    figures = models.JSONField("Số liệu khi ban hành", default=dict, blank=True, encoder=DjangoJSONEncoder)
    context = models.JSONField(
        "Nội dung văn bản khi ban hành", default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    document = models.OneToOneField("steering.Document", verbose_name="Văn bản trong sổ", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")  # fmt: skip

    class Meta:
        verbose_name = "báo cáo sơ kết, tổng kết"
        ordering = ["-end", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year}"
