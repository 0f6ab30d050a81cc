from django.apps import AppConfig


class Config(AppConfig):
    name = "dangbo.demo"
    label = "demo"
