from django.urls import path

from . import views

app_name = "dues"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("chi-bo/<int:cell_pk>/", views.sheet, name="sheet"),
    path("chi-bo/<int:cell_pk>/so-thu-nop.xlsx", views.book, name="book"),
    path("dang-vien/<int:member_pk>/", views.member, name="member"),
    path("to-chuc/<int:org_pk>/bao-cao-thu-nop.docx", views.report, name="report"),
    path("to-chuc/<int:org_pk>/so-theo-doi.xlsx", views.grassroots_book, name="grassroots_book"),
]
