from django.apps import AppConfig


class Config(AppConfig):
    name = "dangbo.core"
    label = "core"
