from django.apps import AppConfig


class Config(AppConfig):
    name = "dangbo.organizations"
    label = "organizations"
