from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("them/", views.plan, name="plan"),
    path("theo-doi/", views.overview, name="overview"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.edit_plan, name="edit"),
    path("<int:pk>/diem-danh/", views.attendance, name="attendance"),
    path("<int:pk>/bien-ban/", views.minutes, name="minutes"),
    path("<int:pk>/bien-ban.docx", views.minutes_docx, name="minutes_docx"),
    path("<int:pk>/xep-loai/", views.grade, name="grade"),
    path("<int:pk>/huy/", views.cancel, name="cancel"),
]
