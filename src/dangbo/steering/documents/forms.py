"""Forms of the document register: they only parse input; the rules live in ``documents.py``."""

from __future__ import annotations

from django import forms

from dangbo.audit.concurrency.services import version_field
from dangbo.core.forms import VNFormMixin

from ..choices import Direction
from ..models import DocumentType
from . import selectors
from . import services as documents
from .services import LABELS


class DocumentTypeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class DocumentForm(VNFormMixin, forms.Form):
    """Create (with ``direction``) or edit (``instance``) a register entry."""

    version = version_field()  # the edit page's version token (audit.concurrency)

    direction = forms.ChoiceField(label="Loại sổ", choices=Direction.choices, widget=forms.RadioSelect,
                                  initial=Direction.INCOMING)  # fmt: skip
    doc_type = DocumentTypeChoice(label=LABELS["doc_type"], queryset=DocumentType.objects.filter(active=True),
                                  empty_label="— chọn loại văn bản —")  # fmt: skip
    number = forms.IntegerField(label=LABELS["number"], required=False, min_value=1, max_value=99999,
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                                help_text="Chỉ với văn bản đến; văn bản do cấp ủy ban hành được cấp số tự động.")  # fmt: skip
    issuer_code = forms.CharField(label=LABELS["issuer_code"], max_length=20, required=False,
                                  help_text="Phần sau dấu «/» của số, ký hiệu, ví dụ: TW, TU, ĐU, ĐUK.")  # fmt: skip
    issuer_name = forms.CharField(label=LABELS["issuer_name"], max_length=255, required=False)
    issued_date = forms.DateField(label=LABELS["issued_date"])
    received_date = forms.DateField(label=LABELS["received_date"], required=False,
                                    help_text="Chỉ với văn bản đến.")  # fmt: skip
    summary = forms.CharField(label=LABELS["summary"], max_length=500,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    signer = forms.CharField(label=LABELS["signer"], max_length=255, required=False)
    attachment = forms.FileField(label="Tệp đính kèm", required=False,
                                 help_text="PDF, Word, Excel, OpenDocument hoặc ảnh chụp (.jpg, .png).")  # fmt: skip
    remove_attachment = forms.BooleanField(label="Bỏ tệp đính kèm hiện có", required=False)
    congress = forms.BooleanField(label="Văn bản của đại hội", required=False,
                                  help_text="Đại hội đánh số chung mọi văn bản của mình từ 01, từ phiên trù bị đến khi "
                                            "bế mạc; ký hiệu mặc định «ĐH».")  # fmt: skip

    own_hint = ""

    def __init__(self, *args, instance=None, register=None, **kwargs):
        self.instance, self.register = instance, register
        suggested = (
            selectors.suggested_issuer(register) if register is not None and instance is None else None
        )
        if instance is not None:
            kwargs.setdefault("initial", {
                "doc_type": instance.doc_type_id, "number": instance.number, "issuer_code": instance.issuer_code,
                "issuer_name": instance.issuer_name, "issued_date": instance.issued_date,
                "received_date": instance.received_date, "summary": instance.summary, "signer": instance.signer,
                "version": documents.DOCUMENT_VERSION.of(instance),
            })  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["issued_date"].error_messages["required"] = "không được để trống."
        if instance is None:
            del self.fields["remove_attachment"]
            if suggested:
                code, name = suggested
                self.own_hint = f"Văn bản do cấp ủy ban hành: để trống thì dùng «{code}» và «{name}»."
        else:
            del self.fields["direction"]
            del self.fields["congress"]
            if not instance.attachment:
                del self.fields["remove_attachment"]
            if instance.direction == Direction.OWN:
                # The symbol of an own document is fixed once issued.
                for name in ("doc_type", "issuer_code"):
                    self.fields[name].disabled = True
                    self.fields[
                        name
                    ].help_text = "Không sửa được: giữ nguyên số, ký hiệu của văn bản đã ban hành."
                del self.fields["number"]
                del self.fields["received_date"]

    def clean(self):
        """The register's rules too, so that every problem shows at once (the service checks again)."""
        cleaned = super().clean()
        if self.instance is None and (self.register is None or "direction" in self.errors):
            return cleaned
        data = self.data_for_service()
        problems = documents.validate_document(
            data=data, upload=cleaned.get("attachment"), register=self.register,
            direction=cleaned.get("direction", ""), instance=self.instance,
        )  # fmt: skip
        for name, message in problems.items():
            if name not in self.errors:
                self.add_error(name if name in self.fields else None, message)
        return cleaned

    def full_clean(self):
        super().full_clean()
        # "Số, ký hiệu: …" already names the field (the symbol the number belongs to).
        if self._errors and "number" in self._errors:
            fixed = [
                m.removeprefix("Số: ") if m.startswith("Số: Số, ký hiệu:") else m
                for m in self._errors["number"]
            ]
            self._errors["number"] = self.error_class(fixed, renderer=self.renderer)

    def data_for_service(self) -> dict:
        d = self.cleaned_data
        keys = (
            "doc_type",
            "number",
            "issuer_code",
            "issuer_name",
            "issued_date",
            "received_date",
            "summary",
            "signer",
            "congress",
        )
        data = {k: d.get(k) for k in keys if k in self.fields and k not in self.errors}
        for k in ("issuer_code", "issuer_name", "signer"):
            if k in data and data[k] is None:
                data[k] = ""
        return data
