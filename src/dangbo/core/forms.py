"""Form helpers shared by every app: Vietnamese date inputs and messages that name their field, and the
bridge from a service's ApplicationError to the form's field errors."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from .errors import ApplicationError
from .text import parse_vn_number

DATE_HINT = "dd/mm/yyyy"
# Dates typed into any form lie in these years; anything else is a typing error (and year 1 or 9999 would
# overflow the date arithmetic of periods and deadlines).
FIRST_YEAR, LAST_YEAR = 1900, 2999


def _plausible_year(value) -> None:
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise forms.ValidationError(f"năm {value.year} không hợp lệ (từ {FIRST_YEAR} đến {LAST_YEAR}).")


class VNNumberField(forms.Field):
    """A number written the Vietnamese way (``parse_vn_number``). Returns a Decimal; the unit's rules are
    checked by the service. ``example``: what the error message shows."""

    def __init__(self, *args, example: str = "1.250 hoặc 92,5", **kwargs):
        self.example = example
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": 30})
        )
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            value = value.normalize()
            text = f"{value:f}"
            return text.replace(".", ",")
        return value

    def to_python(self, value):
        if value is None or not str(value).strip():
            return None
        if len(str(value).strip()) > 30:
            raise forms.ValidationError("quá dài.")
        try:
            return parse_vn_number(value)
        except ValueError:
            raise forms.ValidationError(f"phải là một số (ví dụ: {self.example}).") from None


class VNDateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs=None):
        base = {"placeholder": DATE_HINT, "inputmode": "numeric", "autocomplete": "off", "class": "date"}
        super().__init__(attrs={**base, **(attrs or {})}, format="%d/%m/%Y")


class VNFormMixin:
    """Dates as dd/mm/yyyy, and every error message starting with its field's label."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = VNDateInput()
                field.input_formats = ["%d/%m/%Y"]
                field.error_messages["invalid"] = "ngày không hợp lệ, cần có dạng dd/mm/yyyy và là ngày có thật."
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

    def apply_error(self, error: ApplicationError) -> None:
        placed = False
        for name, message in error.field_errors.items():
            if name in self.fields:
                self.add_error(name, message)
                placed = True
            else:
                self.add_error(None, message)
        if not placed:
            self.add_error(None, error.message)


def run_service(form, call):
    """Call ``call()``; on ApplicationError put its messages on ``form`` and return None."""
    try:
        return call()
    except ApplicationError as error:
        form.apply_error(error)
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
        messages.error(request, " ".join([error.message, *error.field_errors.values()]))
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result if result is not None else True
