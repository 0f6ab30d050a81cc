"""Congress targets (chỉ tiêu nghị quyết đại hội): the services that set them (``target_save``) and enter the values of
a target without a measurement source (``target_value_enter``), and the rules a figure keeps (``check_value``). The
progress of a target against the term's timeline is read in ``selectors.py``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction

from dangbo.audit.concurrency.services import Tracked
from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.formats import ngay, tien
from dangbo.core.text import clean_text, parse_vn_number, read_number
from dangbo.organizations.models import Term

from ..choices import Measure, TargetDirection, Unit
from ..models import Target, TargetValue
from . import selectors
from .selectors import WHOLE_UNITS, term_end

TARGET_FIELDS = ("number", "text", "unit", "direction", "measure", "baseline", "goal", "source")
# The edit page's version token (audit.concurrency): a save over someone else's change is refused.
TARGET_VERSION = Tracked(TARGET_FIELDS, noun="Chỉ tiêu này")
MAX_VALUE = Decimal("99999999999999")  # what the column holds (16 digits, 2 of them decimals)
INTEGER_DIGITS, DECIMAL_PLACES = 14, 2  # the columns: DecimalField(max_digits=16, decimal_places=2)
HUNDREDTH = Decimal("0.01")


# --- rules ----------------------------------------------------------------------------------------------------


def to_decimal(value) -> Decimal | None:
    """A figure given to the targets' services (a form's Decimal, a number or typed text) through the one reader
    of numbers (``core.text.parse_vn_number``: "1.250" is 1250 here as in every form), at most the column's two
    decimals; None for empty; raises ValueError (its text the problem, in Vietnamese)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_vn_number(value, decimal_places=DECIMAL_PLACES)


def money_max() -> Decimal:
    """The sanity bound of a money figure of a term: a hundred times the largest single contribution."""
    return Decimal(settings.DANGBO_CONTRIBUTION_MAX) * 100


def check_value(unit: str, value, label: str) -> str | None:
    """The problem with ``value`` as a figure in ``unit`` ("Nhãn: vấn đề."), or None when it is valid.

    % → 0 to 100; đảng viên, tổ chức, số lượng → a whole number ≥ 0; đồng → a whole number ≥ 0 and not above
    ``money_max()``. At most two decimals anywhere (the column keeps two: ``to_decimal``). Exponent notation, NaN,
    infinity and absurd digits are refused by the reader, and the range is checked before anything is rounded."""
    try:
        v = to_decimal(value)
    except ValueError as error:
        return f"{label}: {error}"
    if v is None:
        return f"{label}: không được để trống."
    # The range first, on the number as read: only a number the column holds is rounded or compared further.
    if v < 0:
        return f"{label}: không được âm."
    if unit == Unit.PERCENT:
        if v > 100:
            return f"{label}: tỷ lệ phần trăm phải từ 0 đến 100."
    elif unit in WHOLE_UNITS:
        if unit == Unit.MONEY and v > money_max():
            return f"{label}: số tiền quá lớn (tối đa {tien(int(money_max()))}), xin kiểm tra lại."
        if v > MAX_VALUE:
            return f"{label}: số quá lớn."
        if v != v.to_integral_value():
            what = {
                Unit.MEMBERS: "số đảng viên",
                Unit.ORGANIZATIONS: "số tổ chức",
                Unit.MONEY: "số tiền (đồng)",
            }
            return f"{label}: {what.get(unit, 'số lượng')} phải là số nguyên."
    else:
        return f"{label}: đơn vị tính không hợp lệ."
    return None


def _can_set(actor, term: Term) -> None:
    if not policies.can(actor, "direct", term.organization):
        raise PermissionDenied("Bạn không có quyền đặt chỉ tiêu cho nhiệm kỳ này.")


# --- services -------------------------------------------------------------------------------------------------


def next_number(term) -> int:
    """The number a new target of ``term`` gets unless the committee writes another: after the last one."""
    return (term.targets.order_by("-number").values_list("number", flat=True).first() or 0) + 1


@transaction.atomic
def target_save(
    *, actor, term: Term, data: dict, target: Target | None = None, expected_version: str | None = None
) -> Target:
    """Create (or, with ``target``, change) a numbered target of the term. Every problem is reported at once,
    each naming its field; nothing is saved unless all is valid."""
    _can_set(actor, term)
    if target is not None:
        target = Target.objects.select_for_update().get(pk=target.pk)
        if target.term_id != term.pk:
            raise ApplicationError("Chỉ tiêu không thuộc nhiệm kỳ này.")
        TARGET_VERSION.check(
            target, expected_version
        )  # the edit page's token: never over someone else's change
    before = snapshot(target) if target is not None else None
    t = target or Target(term=term)
    errors: dict[str, str] = {}

    number, problem = read_number(data.get("number", t.number if target else None), "Chỉ tiêu số", required=True,
                                  whole=True)  # fmt: skip
    if problem:
        errors["number"] = problem
    elif number < 1 or number > 999:
        errors["number"] = "Chỉ tiêu số: phải từ 1 đến 999."
    elif Target.objects.filter(term=term, number=number).exclude(pk=t.pk).exists():
        errors["number"] = f"Chỉ tiêu số: nhiệm kỳ {term.name} đã có chỉ tiêu số {number}."
    t.number = number

    text = clean_text(data.get("text", t.text))
    if not text:
        errors["text"] = "Nội dung chỉ tiêu: không được để trống."
    elif len(text) > 500:
        errors["text"] = "Nội dung chỉ tiêu: tối đa 500 ký tự."
    t.text = text

    unit = data.get("unit", t.unit) or ""
    if unit not in Unit.values:
        errors["unit"] = "Đơn vị tính: " + (
            "không được để trống." if not unit else "giá trị đã chọn không hợp lệ."
        )
    elif target is not None and unit != target.unit and target.values.exists():
        errors["unit"] = "Đơn vị tính: chỉ tiêu đã có số liệu nhập theo đơn vị cũ, không đổi được."
    t.unit = unit

    direction = data.get("direction") or t.direction or TargetDirection.AT_LEAST
    if direction not in TargetDirection.values:
        errors["direction"] = "Yêu cầu: giá trị đã chọn không hợp lệ."
    t.direction = direction
    measure = data.get("measure") or t.measure or Measure.LEVEL
    if measure not in Measure.values:
        errors["measure"] = "Cách tính: giá trị đã chọn không hợp lệ."
    t.measure = measure

    key = clean_text(data.get("source", t.source))
    source = selectors.get(key)
    if key and source is None:
        errors["source"] = "Nguồn số liệu: nguồn đã chọn không có trong hệ thống."
    elif source is not None and "unit" not in errors:
        if source.unit != unit:
            errors["source"] = (f"Đơn vị tính: nguồn «{source.label}» tính theo {source.unit_label}, "
                                f"không theo {Unit(unit).label}.")  # fmt: skip
        elif source.measure != measure and "measure" not in errors:
            errors["source"] = (f"Cách tính: nguồn «{source.label}» là "
                                f"{Measure(source.measure).label.lower()}, chọn cách tính đó.")  # fmt: skip
    t.source = key

    for field, label, required in (
        ("goal", "Mục tiêu cuối nhiệm kỳ", True),
        ("baseline", "Mức đầu nhiệm kỳ", False),
    ):
        raw = data.get(field, getattr(t, field))
        if raw in (None, "") and not required:
            setattr(t, field, None)
            continue
        if "unit" in errors:
            continue
        problem = check_value(unit, raw, label)
        if problem:
            errors[field] = problem
        else:
            setattr(t, field, to_decimal(raw))
    if errors:
        raise ApplicationError("Chưa lưu được chỉ tiêu, xin xem các ô được đánh dấu.", field_errors=errors)
    try:
        with transaction.atomic():
            t.save()
    except IntegrityError:  # the same number saved concurrently
        raise ApplicationError("Chưa lưu được chỉ tiêu.", field_errors={
            "number": f"Chỉ tiêu số: nhiệm kỳ {term.name} đã có chỉ tiêu số {number}."}) from None  # fmt: skip
    record(actor=actor, action=Action.UPDATE if target else Action.CREATE, obj=t, before=before,
           scope_path=term.organization.path)  # fmt: skip
    return t


@transaction.atomic
def target_value_enter(*, actor, target: Target, data: dict) -> TargetValue:
    """Enter the value of a target without a measurement source, up to a date, with its evidence."""
    target = Target.objects.select_for_update().select_related("term__organization").get(pk=target.pk)
    term = target.term
    _can_set(actor, term)
    if target.source:
        source = selectors.get(target.source)
        label = source.label if source else target.source
        raise ApplicationError(f"Chỉ tiêu này tính tự động từ nguồn «{label}», không nhập số liệu.")
    errors: dict[str, str] = {}
    period_end = data.get("period_end")
    if isinstance(period_end, str):
        try:
            period_end = dt.datetime.strptime(period_end.strip(), "%d/%m/%Y").date()
        except ValueError:
            errors["period_end"] = "Tính đến ngày: ngày không hợp lệ, cần có dạng dd/mm/yyyy."
            period_end = None
    if "period_end" in errors:
        pass
    elif not isinstance(period_end, dt.date):
        errors["period_end"] = "Tính đến ngày: không được để trống."
    elif period_end > today():
        errors["period_end"] = f"Tính đến ngày: sau hôm nay ({ngay(today())})."
    elif period_end < term.start_date or period_end > term_end(term):
        errors["period_end"] = (f"Tính đến ngày: ngoài nhiệm kỳ {term.name} "
                                f"({ngay(term.start_date)} – {ngay(term_end(term))}).")  # fmt: skip
    elif target.values.filter(period_end=period_end).exists():
        errors["period_end"] = f"Tính đến ngày: đã có số liệu tính đến ngày {ngay(period_end)}."
    problem = check_value(target.unit, data.get("value"), "Giá trị")
    if problem:
        errors["value"] = problem
    evidence = clean_text(data.get("evidence"))
    if not evidence:
        errors["evidence"] = "Căn cứ: không được để trống (ví dụ: Báo cáo số 12-BC/ĐU ngày 10/7/2023)."
    elif len(evidence) > 500:
        errors["evidence"] = "Căn cứ: tối đa 500 ký tự."
    if errors:
        raise ApplicationError("Chưa lưu được số liệu, xin xem các ô được đánh dấu.", field_errors=errors)
    try:
        with transaction.atomic():
            value = TargetValue.objects.create(target=target, period_end=period_end, value=to_decimal(data["value"]),
                                               evidence=evidence)  # fmt: skip
    except IntegrityError:
        raise ApplicationError("Chưa lưu được số liệu.", field_errors={
            "period_end": f"Tính đến ngày: đã có số liệu tính đến ngày {ngay(period_end)}."}) from None  # fmt: skip
    record(actor=actor, action=Action.CREATE, obj=value, scope_path=term.organization.path)
    return value
