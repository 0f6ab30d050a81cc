"""The organization tree.

``parent`` + ``path`` hold the tree as it is today: ``path`` is the materialised id path
("1.7.42.", see ``core.policies.subtree_q``), so "everything under this organization" is one index range on both
databases. ``OrganizationLink`` keeps every parent link with its effective dates, so the tree on any past
date can be rebuilt; ``parent``/``path`` always equal the link that is open today.
"""

from django.db import models

from dangbo.core.fields import BinaryCharField
from dangbo.core.http import id_url
from dangbo.core.models import BaseModel, DatedQuerySet

from .choices import CELL_KINDS, GRASSROOTS_KINDS, OrgKind, Position


class Organization(BaseModel):
    name = models.CharField("Tên tổ chức", max_length=255)
    short_name = models.CharField("Tên viết tắt", max_length=100, blank=True)
    code = models.CharField("Mã tổ chức", max_length=50, unique=True)
    kind = models.CharField("Loại tổ chức", max_length=30, choices=OrgKind.choices)
    host_unit = models.CharField("Cơ quan, đơn vị", max_length=255, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name="Trực thuộc", null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )  # fmt: skip
    path = BinaryCharField("Đường dẫn cây", max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField("Cấp", default=0, editable=False)
    name_norm = BinaryCharField(max_length=255, editable=False, default="")
    founding_decision_no = models.CharField("Số quyết định thành lập", max_length=100, blank=True)
    founding_date = models.DateField("Ngày thành lập", null=True, blank=True)
    founding_issuer = models.CharField("Cơ quan ra quyết định thành lập", max_length=255, blank=True)
    end_date = models.DateField("Ngày kết thúc hoạt động", null=True, blank=True)
    end_decision_no = models.CharField("Số quyết định kết thúc", max_length=100, blank=True)
    meeting_day = models.PositiveSmallIntegerField(
        "Ngày sinh hoạt thường kỳ hằng tháng", null=True, blank=True,
        help_text="Ngày trong tháng chi bộ sinh hoạt thường kỳ (1–28), để gợi ý khi lập kế hoạch.",
    )  # fmt: skip
    # Members on the active roll of the whole subtree, kept by members/services.py in the same transaction as
    # each change (and rebuilt by members.counts.services.recount): tree pages read them instead of aggregating.
    official_count = models.PositiveIntegerField("Đảng viên chính thức", default=0, editable=False)
    probationary_count = models.PositiveIntegerField("Đảng viên dự bị", default=0, editable=False)

    class Meta:
        verbose_name = "tổ chức đảng"
        verbose_name_plural = "tổ chức đảng"
        ordering = ["path"]
        # The organization picker's levels (organizations/selectors.py): "the top levels of the tree, in tree order"
        # reads an index range instead of all 349k organizations of the national data set.
        indexes = [models.Index(fields=["depth", "path"], name="org_depth_path")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return id_url("organizations:detail", self.pk)

    @property
    def member_count(self) -> int:
        return self.official_count + self.probationary_count

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def is_grassroots(self) -> bool:
        return self.kind in GRASSROOTS_KINDS

    @property
    def kind_label(self) -> str:
        return OrgKind(self.kind).label

    @property
    def long_name(self) -> str:
        """A subordinate cell's name with its grassroots organization: "Chi bộ Thanh tra (Sở Y tế)".
        Callers listing many cells should select_related("parent")."""
        if self.kind == OrgKind.SUBORDINATE_CELL and self.parent_id:
            return f"{self.name} ({self.parent.short_name or self.parent.name})"
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.split(".") if p][:-1]

    def grassroots(self) -> "Organization | None":
        """The grassroots organization (tổ chức cơ sở đảng) this one belongs to — itself if it is one; None for
        an organization above the grassroots level. At most one query."""
        if self.kind in GRASSROOTS_KINDS:
            return self
        ids = self.ancestor_ids
        if not ids:
            return None
        return Organization.objects.filter(pk__in=ids, kind__in=GRASSROOTS_KINDS).order_by("-depth").first()


class OrganizationLink(models.Model):
    """One period during which ``organization`` sat under ``parent`` with ``name`` and the full ``path``
    (``parent`` empty = top of the tree).

    A new row starts whenever the parent, the name or the path changes — the path also changes when an
    ancestor is moved, so the rows of a subtree are split together by the restructuring services. The rows of
    one organization never overlap; the open row (``valid_to`` empty) equals the organization's current
    ``parent``/``name``/``path``.
    """

    organization = models.ForeignKey(
        Organization, verbose_name="Tổ chức", on_delete=models.CASCADE, related_name="links"
    )
    parent = models.ForeignKey(
        Organization, verbose_name="Trực thuộc", null=True, blank=True, on_delete=models.PROTECT,
        related_name="child_links",
    )  # fmt: skip
    valid_from = models.DateField("Từ ngày", null=True, blank=True)
    valid_to = models.DateField("Đến ngày (không kể)", null=True, blank=True)
    decision_no = models.CharField("Số quyết định", max_length=100, blank=True)
    name = models.CharField("Tên trong thời kỳ", max_length=255, blank=True)
    path = BinaryCharField("Đường dẫn trong thời kỳ", max_length=255, default="")

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = "quan hệ trực thuộc"
        verbose_name_plural = "quan hệ trực thuộc"
        ordering = ["organization", "valid_from"]
        indexes = [
            models.Index(fields=["parent", "valid_from"]),
            models.Index(fields=["path", "valid_from"], name="orglink_path"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gt=models.F("valid_from")),
                name="orglink_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.parent or '—'}"


class Term(BaseModel):
    """A term (nhiệm kỳ) of an organization's committee, e.g. 2010–2015.

    ``start_date`` is the term's first day: the day the new committee's first plenary opened when it met during
    the congress (usual: the closing day), otherwise the day after the congress closed; for an appointed
    committee the day of appointment. A day belongs to the term that started last on or before it; ``end_date``
    (the day the next congress closed) matters only while the next term is not recorded —
    ``selectors.term_on`` is the one rule (HD 36-HD/VPTW §II.1.3.1: own documents are numbered per term).
    ``congress_start``/``congress_end``: the congress that opened the term, from its preparatory session to its
    close; it numbers its own documents together (``steering.documents``)."""

    organization = models.ForeignKey(
        Organization, verbose_name="Tổ chức", on_delete=models.CASCADE, related_name="terms"
    )
    name = models.CharField("Nhiệm kỳ", max_length=50)
    start_date = models.DateField("Ngày bắt đầu")
    end_date = models.DateField("Ngày kết thúc", null=True, blank=True)
    congress_start = models.DateField("Ngày họp phiên trù bị đại hội", null=True, blank=True)
    congress_end = models.DateField("Ngày bế mạc đại hội", null=True, blank=True)

    class Meta:
        verbose_name = "nhiệm kỳ"
        verbose_name_plural = "nhiệm kỳ"
        ordering = ["organization", "-start_date"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="term_unique_name")]

    def __str__(self) -> str:
        return f"Nhiệm kỳ {self.name}"


class CommitteeSeat(BaseModel):
    """A person holding a position in a term's committee (cấp ủy)."""

    term = models.ForeignKey(Term, verbose_name="Nhiệm kỳ", on_delete=models.CASCADE, related_name="seats")
    member = models.ForeignKey(
        "members.Member", verbose_name="Đảng viên", on_delete=models.PROTECT, related_name="committee_seats"
    )
    position = models.CharField("Chức vụ", max_length=20, choices=Position.choices)
    start_date = models.DateField("Từ ngày", null=True, blank=True)
    end_date = models.DateField("Đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "cấp ủy viên"
        verbose_name_plural = "cấp ủy viên"
        ordering = ["term", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_position_display()}: {self.member}"

    @property
    def position_rank(self) -> int:
        return list(Position.values).index(self.position)
