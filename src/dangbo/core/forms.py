"""Form helpers shared by every app: Vietnamese date inputs and messages that name their field, and the
bridge from a service's ApplicationError to the form's field errors."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from .errors import ApplicationError
from .text import DECIMAL_PLACES, INTEGER_DIGITS, MAX_NUMBER_TEXT, NOT_A_NUMBER, read_number

DATE_HINT = "dd/mm/yyyy"
# Dates typed into any form lie in these years; anything else is a typing error (and year 1 or 9999 would
# overflow the date arithmetic of periods and deadlines).
FIRST_YEAR, LAST_YEAR = 1900, 2999


def _plausible_year(value) -> None:
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise forms.ValidationError(f"năm {value.year} không hợp lệ (từ {FIRST_YEAR} đến {LAST_YEAR}).")


class VNNumberField(forms.Field):
    """A number written the Vietnamese way, read by the one reader (``core.text.read_number``): a Decimal, or an
    int when ``whole``. ``integer_digits``/``decimal_places`` are the column's bounds, ``min_value``/``max_value``
    its range; the unit's rules are checked by the service. ``example``: what the error message shows."""

    def __init__(self, *args, example: str = "1.250 hoặc 92,5", whole: bool = False,
                 integer_digits: int = INTEGER_DIGITS, decimal_places: int = DECIMAL_PLACES,
                 min_value=None, max_value=None, **kwargs):  # fmt: skip
        self.example = example
        self.bounds = {"whole": whole, "integer_digits": integer_digits, "decimal_places": decimal_places,
                       "min_value": min_value, "max_value": max_value}  # fmt: skip
        kwargs.setdefault("widget", forms.TextInput(attrs={
            "inputmode": "numeric" if whole else "decimal", "autocomplete": "off", "maxlength": MAX_NUMBER_TEXT}))  # fmt: skip
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            value = value.normalize()
            text = f"{value:f}"
            return text.replace(".", ",")
        return value

    def to_python(self, value):
        number, problem = read_number(value, "", **self.bounds)
        if problem:
            problem = problem.removeprefix(": ")
            if problem == NOT_A_NUMBER:
                problem = f"phải là một số (ví dụ: {self.example})."
            raise forms.ValidationError(problem)
        return number


def check_model_numbers(form) -> None:
    """A ModelForm's number fields checked by their model fields' own validators (the column's range and digits)
    — the rest of the model's rules are the service's, which the form calls. For the ``_post_clean`` of the
    ModelForms that leave the model's validation to their service."""
    from django.core.exceptions import FieldDoesNotExist, ValidationError
    from django.db import models

    for name, value in list(form.cleaned_data.items()):
        if value is None or name in form._errors:
            continue
        try:
            field = form._meta.model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not isinstance(field, models.IntegerField | models.DecimalField | models.FloatField):
            continue
        try:
            field.run_validators(field.to_python(value))
        except ValidationError as error:
            form.add_error(name, error)


class VNDateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs=None):
        base = {"placeholder": DATE_HINT, "inputmode": "numeric", "autocomplete": "off", "class": "date"}
        super().__init__(attrs={**base, **(attrs or {})}, format="%d/%m/%Y")


def _id_or_none(value):
    """A choice's primary key as typed: a whole number a database integer holds, else None."""
    text = str(value).strip()
    if not text.isascii() or not text.lstrip("-").isdigit():
        return None
    number = int(text)
    return number if -(2**63) < number < 2**63 else None


def _checked_ids(clean, field):
    """Wrap a model choice field's ``clean``: an id that is not a whole number a database integer holds is an
    invalid choice, never a query (a 23-digit id overflows SQLite's integer and errors on PostgreSQL)."""

    def checked(value):
        if (field.to_field_name or "pk") not in (
            "pk",
            "id",
        ):  # chosen by another column (a form may switch to one)
            return clean(value)
        values = value if isinstance(value, list | tuple) else [value]
        for v in values:
            if v not in (None, "") and _id_or_none(v) is None:
                raise forms.ValidationError(field.error_messages["invalid_choice"], code="invalid_choice",
                                            params={"value": v})  # fmt: skip
        return clean(value)

    return checked


class VNFormMixin:
    """Dates as dd/mm/yyyy, every error message starting with its field's label, and ids of chosen objects read
    safely."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.clean = _checked_ids(field.clean, field)
            if isinstance(field, forms.DateField):
                field.widget = VNDateInput()
                field.input_formats = ["%d/%m/%Y"]
                field.error_messages["invalid"] = (
                    "ngày không hợp lệ, cần có dạng dd/mm/yyyy và là ngày có thật."
                )
                field.validators.append(_plausible_year)
            field.error_messages["required"] = "không được để trống."
            if "invalid_choice" in field.error_messages:
                field.error_messages["invalid_choice"] = "giá trị đã chọn không hợp lệ."

    def full_clean(self):
        super().full_clean()
        # Every field error names its field ("Ngày sinh: …"), also in the summary at the top of the form.
        for name, errors in list((self._errors or {}).items()):
            if name not in self.fields:
                continue
            prefix = f"{self.fields[name].label}:"
            self._errors[name] = self.error_class(
                [m if m.startswith(prefix) else f"{prefix} {m}" for m in errors], renderer=self.renderer
            )

    def apply_error(self, error: ApplicationError, *, only_new: bool = False) -> None:
        """A service's errors on the form, each on its field under the field's own label (a service names the
        value it checked — "Ngày có hiệu lực" — where the page asks for "Ngày giới thiệu"). ``only_new``: only
        on fields that have no error yet (the service's checks run beside the form's, see ``check_with_service``),
        and the service's other problems once each — not its bare "Chưa lưu được" heading."""
        placed = False
        shown = set(self.non_field_errors()) if only_new else set()
        for name, message in error.field_errors.items():
            if name in self.fields:
                placed = True
                if only_new and name in self.errors:
                    continue
                self.add_error(name, labelled(self.fields[name].label, message))
            elif message not in shown:
                shown.add(message)
                self.add_error(None, message)
        if not placed and not error.field_errors and error.message not in shown:
            if not (only_new and (not error.message or error.message.startswith("Chưa lưu được"))):
                self.add_error(None, error.message)


class VNRowsFormSet(forms.BaseFormSet):
    """The rows of a page (task rows, criteria): Vietnamese messages for a tampered row count. Build it with an
    ``absolute_max`` near ``max_num``: Django's default (max_num + 1.000) lets one request with a forged
    ``TOTAL_FORMS`` make the server build and render a thousand forms."""

    default_error_messages = {
        "missing_management_form": "Biểu mẫu thiếu dữ liệu quản lý các dòng; xin tải lại trang rồi nhập lại.",
        "too_many_forms": "Chỉ gửi được tối đa %(num)d dòng.",
        "too_few_forms": "Cần ít nhất %(num)d dòng.",
    }


# Labels a service gives a value whose page names it otherwise: the page's label is the one the user reads.
GENERIC_LABELS = ("Ngày có hiệu lực", "Ngày")


def labelled(label, message: str) -> str:
    """``message`` ("Nhãn: vấn đề.") under ``label``: a service's generic label («Ngày có hiệu lực» of an event
    recorded from a page that asks for «Ngày tổ chức lễ kết nạp») replaced by the field's, or the field's label
    put before a message that names none; a message naming another subject is left as it is."""
    if not label:
        return message
    head, sep, rest = message.partition(": ")
    if sep and head in GENERIC_LABELS:
        return f"{label}: {rest}"
    if sep and len(head.split()) <= 8:  # a message naming its own subject ("Chủ trì: …" on a member's row)
        return message
    return f"{label}: {message[:1].lower()}{message[1:]}"


def check_with_service(form, call) -> None:
    """Validate everything in one round: when ``form`` has errors, run the service anyway (``call()`` on what the
    form could read) inside a savepoint that is always rolled back, and add its errors on the fields that have
    none yet — the user sees the form's and the service's problems together, and nothing is written."""
    if (error := service_problems(call)) is not None:
        form.apply_error(error, only_new=True)


def service_problems(call) -> ApplicationError | None:
    """What the service would refuse: ``call()`` run in a savepoint that is always rolled back. A value the
    form could not read is None here; a service that cannot go on without it (a TypeError, a comparison with
    None …) has nothing more to say — the form's own messages stand, and nothing is written either way."""
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic():
            call()
            transaction.set_rollback(True)
    except ApplicationError as error:
        return error
    except (TypeError, ValueError, KeyError, AttributeError, LookupError, ArithmeticError, DatabaseError):
        return None
    return None


def _empty(field):
    """What ``field`` reads from an empty input ("" for a text, None for a date or a choice of an object)."""
    try:
        return field.to_python("")
    except (forms.ValidationError, TypeError, ValueError):
        return None


def save_form(form, call, *, ok=None, tracked=None, obj=None):
    """A form's save in one round: when the form is valid (``ok`` overrides ``form.is_valid()``, e.g. with a
    formset beside it), ``run_service``; otherwise the service is asked too (``check_with_service``) on what the
    form could read, so its problems join the form's in the summary, and None is returned. ``call`` reads ``form.cleaned_data`` when it runs; a value the form could not read is there as
    the field's empty value ("" or None)."""
    if form.is_valid() if ok is None else ok:
        return run_service(form, call, tracked=tracked, obj=obj)
    cleaned = getattr(form, "cleaned_data", None)
    if cleaned is not None:
        for name, field in form.fields.items():
            if name not in cleaned:
                cleaned[name] = _empty(field)
        check_with_service(form, call)
    return None


def run_service(form, call, *, tracked=None, obj=None):
    """Call ``call()``; on ApplicationError put its messages on ``form`` and return None.

    ``tracked``/``obj``: an edit form with a version token (``audit.concurrency.services.Tracked`` of ``obj``'s model) —
    when the service refuses a stale save, the form is re-shown on the record as it is now (``Tracked.rebase``)."""
    try:
        return call()
    except ApplicationError as error:
        form.apply_error(error)
        if tracked is not None and hasattr(error, "changed"):
            tracked.rebase(form, obj, error)
        return None


def post_action(request, form, call, success: str):
    """A small POST action from a page button (ceremony, recognition, grade, cancel …): validate ``form`` (or
    None), run ``call(cleaned_data)``, and report through the messages shown on the page it redirects to — the
    success text, or every error with its field named. Returns the call's result, or None when refused."""
    from django.contrib import messages

    if form is not None and not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return None
    try:
        result = call(form.cleaned_data if form is not None else {})
    except ApplicationError as error:
        fields = form.fields if form is not None else {}
        problems = [labelled(fields[k].label, v) if k in fields else v for k, v in error.field_errors.items()]
        messages.error(request, " ".join([error.message, *problems]))
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result if result is not None else True
