from django import forms

from dangbo.core.forms import VNFormMixin

from .services import NAME_MAX


class TokenForm(VNFormMixin, forms.Form):
    name = forms.CharField(
        label="Tên khóa", max_length=NAME_MAX,
        help_text="Để nhận ra khóa sau này, ví dụ «Cổng thông tin tỉnh».",
    )  # fmt: skip
    expires_on = forms.DateField(label="Hết hạn sau ngày", help_text="Sau ngày này khóa không dùng được nữa.")
    read_only = forms.BooleanField(
        label="Chỉ đọc", required=False, help_text="Khóa chỉ đọc dữ liệu, không thêm hay sửa được gì."
    )
