from django.apps import AppConfig


class Config(AppConfig):
    name = "dangbo.members"
    label = "members"
