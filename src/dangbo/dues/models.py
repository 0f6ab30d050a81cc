"""Party dues: each member's basis (dated), the monthly ledger (one row per member and month, owned by the cell
the member was on the roll of that month), the cell's month sheet (its version token) and remittances up the
tree (two-sided: sent, received).

Storage for scale (issue 16): the ledger is one narrow row per member-month; a cell's month is one index range
(``organization, month``) and a subtree's period one range on (``org_path, month``) — the path of the cell *that
month*, re-pathed by restructuring from the move's month on (``PATH_TABLES``)."""

from django.conf import settings
from django.db import models

from dangbo.core.fields import BinaryCharField
from dangbo.core.models import BaseModel

from .choices import Exemption, Group, Way


class DuesBasis(BaseModel):
    """What a member's dues are computed from, from a month on (until the next row): the group, the basis (the
    salary, allowance or pension; for the fixed groups the amount decided) and any exemption or reduction with
    its decision and last month."""

    member = models.ForeignKey("members.Member", verbose_name="Đảng viên", on_delete=models.CASCADE,
                               related_name="dues_bases")  # fmt: skip
    valid_from = models.DateField("Từ tháng")  # first day of a month
    group = models.CharField("Đối tượng", max_length=20, choices=Group.choices)
    basis = models.PositiveBigIntegerField("Căn cứ tính (đồng/tháng)", default=0)
    exemption = models.CharField("Miễn đóng", max_length=20, choices=Exemption.choices, blank=True)
    reduction_percent = models.PositiveSmallIntegerField("Giảm (%)", default=0)
    decision_no = models.CharField("Số quyết định miễn, giảm", max_length=100, blank=True)
    relief_until = models.DateField("Miễn, giảm đến hết tháng", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")  # fmt: skip

    class Meta:
        verbose_name = "căn cứ đóng đảng phí"
        verbose_name_plural = "căn cứ đóng đảng phí"
        ordering = ["member", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["member", "valid_from"], name="dues_basis_unique")]

    def __str__(self) -> str:
        return f"{self.get_group_display()} từ {self.valid_from:%m/%Y}"


class DuesSheet(models.Model):
    """A cell's month: saved as a whole; ``version`` grows with every save, so a save made from an older copy of
    the sheet is refused (two people recording the same month: the first wins, the second sees why)."""

    organization = models.ForeignKey("organizations.Organization", verbose_name="Chi bộ", on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    month = models.DateField("Tháng")
    org_path = BinaryCharField(max_length=255, editable=False, default="")  # the cell's path that month
    version = models.PositiveIntegerField("Lần lưu", default=0)
    # The month's totals, kept by every save (``services``): the figures of a subtree over a year read one row per
    # cell and month, not one per member and month.
    members = models.PositiveIntegerField("Số đảng viên", default=0)
    owed = models.PositiveBigIntegerField("Phải thu (đồng)", default=0)
    paid = models.PositiveBigIntegerField("Đã thu (đồng)", default=0)
    updated_at = models.DateTimeField("Lưu lúc", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")  # fmt: skip

    class Meta:
        verbose_name = "bảng thu đảng phí tháng"
        verbose_name_plural = "bảng thu đảng phí tháng"
        constraints = [models.UniqueConstraint(fields=["organization", "month"], name="dues_sheet_unique")]
        indexes = [
            models.Index(
                fields=["org_path", "month"], include=["owed", "paid", "members"], name="dues_sheet_path"
            )
        ]

    def __str__(self) -> str:
        return f"Thu đảng phí tháng {self.month:%m/%Y}"


class DuesTotal(models.Model):
    """The collection of an organization's whole subtree in a month, at every level (a cell, a grassroots
    organization, a bloc, a province): the sum of the month sheets whose path (the cell's path *that month*)
    passes through it. Kept by ``services`` (section totals) in the transaction of every sheet save and of a restructuring move, so a
    province's year is ≈ 12 rows per child organization instead of one row per cell and month."""

    # db_index off: the unique (organization, month) index serves every read.
    organization = models.ForeignKey("organizations.Organization", verbose_name="Tổ chức", on_delete=models.CASCADE,
                                     related_name="+", db_index=False)  # fmt: skip
    month = models.DateField("Tháng")
    # Signed: a drifted total must never make a user's save fail; ``dangbo dues_rollup --check`` finds drift.
    members = models.BigIntegerField("Số đảng viên", default=0)
    owed = models.BigIntegerField("Phải thu (đồng)", default=0)
    paid = models.BigIntegerField("Đã thu (đồng)", default=0)

    class Meta:
        verbose_name = "tổng thu đảng phí theo tổ chức và tháng"
        verbose_name_plural = "tổng thu đảng phí theo tổ chức và tháng"
        constraints = [models.UniqueConstraint(fields=["organization", "month"], name="dues_total_unique")]

    def __str__(self) -> str:
        return f"Tổng thu đảng phí tháng {self.month:%m/%Y}"


class DuesPayment(models.Model):
    """One member's month: owed (by the rules of the month), paid, when and how, in the cell of that month."""

    member = models.ForeignKey("members.Member", verbose_name="Đảng viên", on_delete=models.CASCADE,
                               related_name="dues_payments")  # fmt: skip
    month = models.DateField("Tháng")  # first day
    organization = models.ForeignKey("organizations.Organization", verbose_name="Chi bộ", on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    org_path = BinaryCharField(max_length=255, editable=False)
    owed = models.PositiveBigIntegerField("Phải đóng (đồng)", default=0)
    paid = models.PositiveBigIntegerField("Đã đóng (đồng)", default=0)
    paid_on = models.DateField("Ngày đóng", null=True, blank=True)
    way = models.CharField("Hình thức", max_length=20, choices=Way.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "đảng phí tháng"
        verbose_name_plural = "đảng phí tháng"
        ordering = ["month", "member"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="dues_payment_unique")]
        indexes = [
            models.Index(fields=["organization", "month"], name="dues_payment_cell"),
            models.Index(fields=["org_path", "month"], name="dues_payment_path"),
        ]

    def __str__(self) -> str:
        return f"Đảng phí tháng {self.month:%m/%Y}"

    @property
    def state(self) -> str:
        if self.owed == 0 and self.paid == 0:
            return "mien"
        if self.paid >= self.owed:
            return "du"
        return "mot_phan" if self.paid else "chua"


class Remittance(BaseModel):
    """Dues a level sends to the level above for a month: recorded as sent by the sender, confirmed received by
    the receiver."""

    from_organization = models.ForeignKey("organizations.Organization", verbose_name="Tổ chức nộp",
                                          on_delete=models.PROTECT, related_name="+")  # fmt: skip
    to_organization = models.ForeignKey("organizations.Organization", verbose_name="Cấp trên nhận",
                                        on_delete=models.PROTECT, related_name="+")  # fmt: skip
    month = models.DateField("Kỳ (tháng)")
    amount = models.PositiveBigIntegerField("Số tiền (đồng)")
    sent_on = models.DateField("Ngày nộp")
    received_on = models.DateField("Ngày nhận", null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")  # fmt: skip
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")  # fmt: skip

    class Meta:
        verbose_name = "nộp đảng phí lên cấp trên"
        verbose_name_plural = "nộp đảng phí lên cấp trên"
        ordering = ["month", "from_organization"]
        indexes = [
            models.Index(fields=["from_organization", "month"], name="dues_remit_from"),
            models.Index(fields=["to_organization", "month"], name="dues_remit_to"),
        ]

    def __str__(self) -> str:
        return f"Nộp đảng phí tháng {self.month:%m/%Y}"
