from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("bat-dau/<slug:kind>/", views.job_start, name="start"),
    path("<int:job_pk>/", views.job_detail, name="detail"),
    path("<int:job_pk>/tien-do/", views.job_status, name="status"),
    path("<int:job_pk>/tep/", views.job_file, name="file"),
    path("<int:job_pk>/huy/", views.job_cancel, name="cancel"),
    path("<int:job_pk>/chay-lai/", views.job_rerun, name="rerun"),
]
