from django.apps import AppConfig


class Config(AppConfig):
    name = "dangbo.accounts"
    label = "accounts"
