"""Who may see and record dues (``dangbo.core.policies``), in the MEMBER area of the role rules: a cell secretary
their own cell, committee staff and secretaries their subtree, a plain member their own rows; leaders read."""

from __future__ import annotations

from dangbo.accounts import policies as access
from dangbo.core.policies import register

from .models import DuesBasis, DuesPayment, DuesSheet, DuesTotal, Remittance


@register
class DuesBasisPolicy(access.TreePolicy):
    model = DuesBasis
    area = access.MEMBER
    path_fields = ("member__org_path",)
    id_field = "member_id"


@register
class DuesPaymentPolicy(access.TreePolicy):
    """A month's row stays with the cell of that month (``org_path``), also after the member moved on."""

    model = DuesPayment
    area = access.MEMBER
    path_fields = ("org_path",)
    id_field = "member_id"


@register
class DuesSheetPolicy(access.TreePolicy):
    model = DuesSheet
    area = access.MEMBER
    path_fields = ("org_path",)
    own = False


@register
class RemittancePolicy(access.TreePolicy):
    """Seen by both sides."""

    model = Remittance
    area = access.MEMBER
    path_fields = ("from_organization__path", "to_organization__path")
    own = False


@register
class DuesTotalPolicy(access.TreePolicy):
    """An organization's month totals: seen by whoever sees the organization's dues."""

    model = DuesTotal
    area = access.MEMBER
    path_fields = ("organization__path",)
    own = False
