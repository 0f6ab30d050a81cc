"""An evaluation campaign (one period, one rating authority) and its ratings (one per subject)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from dangbo.core.fields import BinaryCharField
from dangbo.core.formats import ngay
from dangbo.core.models import BaseModel
from dangbo.core.text import NAME_SORT_LENGTH

from .choices import CampaignStatus, Level, NotRated, PeriodKind, Subject

NOT_RATED_MARK = "-"  # ``ListLevel`` of a rating "chưa xếp loại"


class ListLevel(models.Func):
    """Where a rating stands in the lists' filter (``filters.conditions``), as one value: ``"-"`` when not rated, else
    the decided level, else the proposed one (``""``: not yet proposed). Indexed with the name order
    (``evaluation_rating_level``): «mức HTTNV», «chưa đề xuất», «chưa xếp loại» are one index range in name order —
    the page's 51 entries, whatever the campaign's size — instead of every matching rating read and sorted. Its
    constants are written in the SQL, not passed as parameters: SQLite uses an index on an expression only for the
    same expression, literally."""

    output_field = models.CharField()

    def __init__(self):
        super().__init__(models.F("not_rated"), models.F("decided_level"), models.F("proposed_level"))

    def as_sql(self, compiler, connection, **extra_context):
        (reason, p1), (decided, p2), (proposed, p3) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        sql = f"CASE WHEN {reason} <> '' THEN '{NOT_RATED_MARK}' WHEN {decided} <> '' THEN {decided} ELSE {proposed} END"
        return sql, (*p1, *p2, *p2, *p3)


class Campaign(BaseModel):
    """The evaluation of one period decided by one rating authority (the committee that decides: a grassroots
    committee for its members). ``rules_key`` is the frame in force on the period's last day (``rules.rules_for``),
    fixed when the campaign opens. Locked once decided; re-opening is reasoned and audited."""

    authority = models.ForeignKey("organizations.Organization", verbose_name="Cấp quyết định xếp loại",
                                  on_delete=models.PROTECT, related_name="evaluation_campaigns")  # fmt: skip
    period_kind = models.CharField(
        "Kỳ đánh giá", max_length=10, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    year = models.PositiveSmallIntegerField("Năm")
    period_start = models.DateField("Từ ngày")
    period_end = models.DateField("Đến ngày")
    rules_key = models.CharField("Căn cứ", max_length=20, editable=False)
    deadline = models.DateField("Hạn tự đánh giá")
    status = models.CharField(
        "Trạng thái", max_length=15, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    decision_no = models.CharField("Số quyết định", max_length=100, blank=True)
    decision_date = models.DateField("Ngày quyết định", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)  # fmt: skip

    class Meta:
        verbose_name = "đợt đánh giá, xếp loại"
        constraints = [
            models.UniqueConstraint(fields=["authority", "period_kind", "period_start", "period_end"],
                                    name="evaluation_campaign_one_per_period"),
            models.CheckConstraint(condition=models.Q(period_start__lte=models.F("period_end")),
                                   name="evaluation_campaign_period_order"),
        ]  # fmt: skip
        indexes = [models.Index(fields=["authority", "-period_end"])]

    def __str__(self):
        if self.period_kind == PeriodKind.YEAR:
            period = f"năm {self.year}"
        else:
            period = (
                f"{self.get_period_kind_display().lower()} {ngay(self.period_start)}–{ngay(self.period_end)}"
            )
        return f"Đánh giá, xếp loại chất lượng {period} — {self.authority.name}"

    @property
    def locked(self) -> bool:
        return self.status == CampaignStatus.DECIDED

    @property
    def rules(self):
        from .rules import by_key

        return by_key(self.rules_key)

    def get_absolute_url(self):
        return reverse("evaluation:campaign", args=[self.pk])


class Rating(BaseModel):
    """The rating of one subject (a member; or an organization) in a campaign: self-assessment, the cell's or
    committee's proposal, the decided level — or "chưa xếp loại" with its reason. ``org_path``: the subject's cell
    (or the organization itself) as it stood at the period's end — the scope of the cell secretary."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ratings")
    member = models.ForeignKey("members.Member", verbose_name="Đảng viên", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="ratings")  # fmt: skip
    subject_org = models.ForeignKey("organizations.Organization", verbose_name="Tổ chức được đánh giá", null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="ratings")  # fmt: skip
    cell = models.ForeignKey("organizations.Organization", verbose_name="Chi bộ", on_delete=models.PROTECT,
                             related_name="+")  # fmt: skip
    org_path = BinaryCharField(max_length=255, editable=False, default="")
    # The member's name sort key (``members.Member.name_sort``), copied: a campaign's list by name is read from the
    # index ``evaluation_rating_list`` without a join to members (a province's campaign: 240,000 ratings). Written
    # when the rating is created; a member's rename rewrites it (``services.member_renamed``). Empty for
    # organizations.
    name_sort = BinaryCharField(max_length=NAME_SORT_LENGTH, editable=False, default="")
    probationary = models.BooleanField("Dự bị tại cuối kỳ", default=False, editable=False)
    self_text = models.TextField("Tự kiểm điểm", blank=True)
    self_level = models.CharField("Tự xếp loại", max_length=10, choices=Level.choices, blank=True)
    self_at = models.DateTimeField("Ngày tự đánh giá", null=True, blank=True, editable=False)
    entered_on_behalf = models.BooleanField("Bí thư nhập thay", default=False)
    score = models.DecimalField("Điểm", max_digits=5, decimal_places=2, null=True, blank=True)
    remedied = models.BooleanField("Tự phát hiện và khắc phục vi phạm", default=False)
    proposed_level = models.CharField("Mức đề xuất", max_length=10, choices=Level.choices, blank=True)
    proposal_note = models.TextField("Nhận xét", blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", editable=False)  # fmt: skip
    decided_level = models.CharField("Mức quyết định", max_length=10, choices=Level.choices, blank=True)
    not_rated = models.CharField("Chưa xếp loại", max_length=20, choices=NotRated.choices, blank=True)
    not_rated_note = models.CharField("Ghi chú chưa xếp loại", max_length=255, blank=True)
    # The criteria of the catalogue as they were filled: [{"text", "part", "points", "value"}] (a copy: a later edit of
    # the catalogue leaves a filled rating as it was). Points (QĐ 366) or a grade (QĐ 124, 132) per criterion.
    self_criteria = models.JSONField("Tự chấm theo tiêu chí", default=list, blank=True)
    criteria = models.JSONField("Chấm theo tiêu chí", default=list, blank=True)

    class Meta:
        verbose_name = "xếp loại"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], condition=models.Q(member__isnull=False),
                                    name="evaluation_rating_one_per_member"),
            models.UniqueConstraint(fields=["campaign", "subject_org"], condition=models.Q(subject_org__isnull=False),
                                    name="evaluation_rating_one_per_org"),
            models.CheckConstraint(condition=models.Q(member__isnull=True) ^ models.Q(subject_org__isnull=True),
                                   name="evaluation_rating_one_subject"),
            models.CheckConstraint(condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=100),
                                   name="evaluation_rating_score_0_100"),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["campaign", "org_path"]),
            # The live counts by level of a whole campaign (``selectors.tally``, the quota counter): read from this
            # index alone, not from the campaign's rows (a province's campaign: 240,000 members).
            models.Index(fields=["campaign", "not_rated", "decided_level", "proposed_level"],
                         condition=models.Q(member__isnull=False), name="evaluation_rating_tally"),
            # The campaign's list by name, 50 a page (``selectors.ratings_page``: keyset on (name_sort, id)), with
            # the columns of its filters (``filters.conditions``) and of the scope (``org_path``) after the keys: a
            # page is a walk of this index in order, its filters checked in the index, without the table.
            models.Index(fields=["campaign", "name_sort", "id", "not_rated", "decided_level", "proposed_level", "cell",
                                 "org_path"], condition=models.Q(member__isnull=False), name="evaluation_rating_list"),
            # The list filtered by level or stage (``ListLevel``), by name; the scope's path after the keys, checked
            # in the index (a grassroots secretary's share of a province's «HTTNV»).
            models.Index("campaign", ListLevel(), "name_sort", "id", "org_path", condition=models.Q(member__isnull=False),
                         name="evaluation_rating_level"),
            # The list of one cell, by name: its page without reading and sorting the rest of the actor's scope.
            models.Index(fields=["campaign", "cell", "name_sort", "id"], condition=models.Q(member__isnull=False),
                         name="evaluation_rating_cell"),
        ]  # fmt: skip

    def __str__(self):
        subject = self.member.full_name if self.member_id else self.subject_org.name
        return f"{subject} — {self.campaign}"

    @property
    def subject(self):
        return self.member if self.member_id else self.subject_org

    @property
    def level(self) -> str:
        """The level as far as the campaign has gone: decided, else proposed."""
        return self.decided_level or self.proposed_level

    def get_absolute_url(self):
        return reverse("evaluation:rating", args=[self.pk])


class Catalogue(BaseModel):
    """A rating authority's own criteria inside its frame (DOMAIN §4: "each rating authority defines its criteria
    catalogue inside the 30/70 frame"; under QĐ 124/132 the graded criteria), for its campaigns of ``year`` and the
    later years of the same frame until it defines another. ``items``: [{"part", "text", "points"}] — under QĐ 366
    each criterion's points, the common part adding up to 30 and the tasks to 70; under QĐ 124/132 no points."""

    authority = models.ForeignKey("organizations.Organization", verbose_name="Cấp quyết định xếp loại",
                                  on_delete=models.PROTECT, related_name="evaluation_catalogues")  # fmt: skip
    subject = models.CharField("Đối tượng", max_length=10, choices=Subject.choices, default=Subject.MEMBER)
    year = models.PositiveSmallIntegerField("Áp dụng từ năm")
    rules_key = models.CharField("Căn cứ", max_length=20, editable=False)
    items = models.JSONField("Tiêu chí", default=list)

    class Meta:
        verbose_name = "danh mục tiêu chí đánh giá"
        constraints = [
            models.UniqueConstraint(fields=["authority", "subject", "year"], name="evaluation_catalogue_one_per_year"),
        ]  # fmt: skip

    def __str__(self):
        return f"Tiêu chí đánh giá {self.get_subject_display().lower()} từ năm {self.year} — {self.authority.name}"

    def get_absolute_url(self):
        return (
            reverse("evaluation:criteria", args=[self.authority_id])
            + f"?nam={self.year}&doi_tuong={self.subject}"
        )


class ResidenceComment(BaseModel):
    """The yearly comment of the party cell where a member lives (QĐ 213-QĐ/TW, HD 33-HD/BTCTW: members working in
    agencies keep in touch with the cell of their place of residence, which comments on them once a year —
    DOMAIN-SOURCES §2), recorded against the member by their own cell and shown as evidence of their rating."""

    member = models.ForeignKey("members.Member", verbose_name="Đảng viên", on_delete=models.CASCADE,
                               related_name="residence_comments")  # fmt: skip
    year = models.PositiveSmallIntegerField("Năm")
    residence_cell = models.CharField("Chi bộ nơi cư trú", max_length=255)
    # The residence cell when it is in the deployment (a ``ResidenceRegistration`` of that year): its secretary
    # records the comment and sees it; None: typed from a paper form by the member's own cell.
    residence_org = models.ForeignKey("organizations.Organization", verbose_name="Chi bộ nơi cư trú (trong hệ thống)",
                                      null=True, blank=True, on_delete=models.PROTECT, related_name="+")  # fmt: skip
    received_on = models.DateField("Ngày nhận phiếu nhận xét", null=True, blank=True)
    comment = models.TextField("Nhận xét")
    concerns = models.BooleanField("Có nội dung cần lưu ý", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", editable=False)  # fmt: skip

    class Meta:
        verbose_name = "nhận xét của chi bộ nơi cư trú"
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="evaluation_residence_one_per_year"),
        ]  # fmt: skip

    def __str__(self):
        return f"Nhận xét năm {self.year} của {self.residence_cell}"

    def get_absolute_url(self):
        return reverse("members:detail", args=[self.member_id])


class ResidenceRegistration(BaseModel):
    """A member working elsewhere registered with the party cell where they live (QĐ 213-QĐ/TW, HD 33-HD/BTCTW: the
    member's organization introduces them to the cell of their place of residence, which comments on them once a
    year — DOMAIN-SOURCES §2 "store a residence org link"), from ``valid_from`` until ``valid_to`` (the day it ended;
    None: still). The member's record (``members.Member.residence``) holds only an address; this is the link to the
    cell. Recorded by those who keep the member's record; the residence cell's secretary then records the yearly
    comment on the members registered with the cell."""

    member = models.ForeignKey("members.Member", verbose_name="Đảng viên", on_delete=models.CASCADE,
                               related_name="residence_registrations")  # fmt: skip
    residence_org = models.ForeignKey("organizations.Organization", verbose_name="Chi bộ nơi cư trú",
                                      on_delete=models.PROTECT, related_name="+")  # fmt: skip
    valid_from = models.DateField("Từ ngày")
    valid_to = models.DateField("Đến ngày", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", editable=False)  # fmt: skip

    class Meta:
        verbose_name = "đăng ký liên hệ với chi bộ nơi cư trú"
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                                   name="evaluation_residence_registration_order"),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["residence_org", "valid_from"]),
            models.Index(fields=["member", "-valid_from"]),
        ]

    def __str__(self):
        return f"Liên hệ nơi cư trú từ {ngay(self.valid_from)}: {self.residence_org.name}"

    def get_absolute_url(self):
        return reverse("evaluation:residents", args=[self.residence_org_id])


class LevelTally(models.Model):
    """How many ratings of a campaign, in one organization (the ratings' ``cell``: a member's cell at the period's
    end, an organization rated as a collective) — and in the whole campaign (``whole``) — stand at one (reason not
    rated, decided level, proposed level): the campaign screens' counts by level and the quota counter read the
    whole campaign's rows (a few) instead of counting the ratings (a province's campaign: 240,000); the campaign's
    list of cells and the count of a filtered list read the rows of the actor's share (scoped by ``org_path``).
    Kept by ``services`` in the transaction of every write that changes a rating's levels; ``dangbo
    evaluation_tallies --check`` compares them (and their paths) with a recount."""

    # db_index off: the unique index (campaign first) serves every read.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+", db_index=False)
    organization = models.ForeignKey("organizations.Organization", verbose_name="Chi bộ, tổ chức",
                                     on_delete=models.CASCADE, related_name="+")  # fmt: skip
    # The campaign's whole count (``organization``: its authority), besides the rows per organization: the quota
    # counter of a province's campaign reads a few rows, not one per cell.
    whole = models.BooleanField("Cả đợt", default=False)
    # Where the counted ratings are (``Rating.org_path``: the cell as it stood at the period's end; "" on the whole
    # campaign's rows): an organization's rows are scoped like the ratings they count, by an index range without a
    # join — a grassroots secretary reads the rows of its cells; whoever sees every cell (``selectors.
    # sees_every_cell``: a province's staff) the whole campaign's rows. Re-pathed with the ratings when an
    # organization moves (``PATH_TABLES``).
    org_path = BinaryCharField(max_length=255, editable=False, default="")
    members = models.BooleanField("Đảng viên (không phải tập thể)")
    not_rated = models.CharField("Chưa xếp loại", max_length=20, blank=True)
    decided_level = models.CharField("Mức quyết định", max_length=10, blank=True)
    proposed_level = models.CharField("Mức đề xuất", max_length=10, blank=True)
    # Signed: a drifted count must never make a user's save fail; ``--check`` finds drift.
    n = models.BigIntegerField("Số phiếu", default=0)

    class Meta:
        verbose_name = "số phiếu theo mức"
        verbose_name_plural = "số phiếu theo mức"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "whole", "organization", "members", "not_rated",
                                            "decided_level", "proposed_level"], name="evaluation_tally_unique"),
        ]  # fmt: skip
        indexes = [
            # The rows of an actor's subtree (``selectors.campaign_cells``, the count of a filtered list): a range
            # of paths, the cells in path order (the first CELL_SELECT_MAX + 1 distinct ones, read from the index).
            models.Index(fields=["campaign", "whole", "members", "org_path", "organization"],
                         name="evaluation_tally_path"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.n} phiếu"
