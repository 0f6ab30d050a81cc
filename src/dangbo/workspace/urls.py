from django.urls import path

from . import views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("viec-cua-toi/", views.work_list, name="work"),
]
