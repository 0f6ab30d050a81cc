from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("bien-dong/", views.movement, name="movement"),
    path("so-ket/", views.review, name="review"),
    path("so-ket/<int:review_pk>/", views.review_detail, name="review_detail"),
    path("thong-ke/", views.statistics, name="statistics"),
    path("tong-quan/", views.dashboard, name="dashboard"),
    path("danh-sach/", views.names, name="names"),
]
