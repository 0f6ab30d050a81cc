from django.urls import path

from . import health

app_name = "core"
urlpatterns = [
    path("suc-khoe/", health.health, name="health"),
]
