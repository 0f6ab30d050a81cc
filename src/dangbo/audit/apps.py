from django.apps import AppConfig


class Config(AppConfig):
    name = "dangbo.audit"
    verbose_name = "Nhật ký thay đổi"
    label = "audit"
