from django.urls import path

from . import views, views_data

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("bat-dau/<slug:kind>/", views.job_start, name="start"),
    path("<int:job_pk>/", views.job_detail, name="detail"),
    path("<int:job_pk>/tien-do/", views.job_status, name="status"),
    path("<int:job_pk>/tep/", views.job_file, name="file"),
    path("<int:job_pk>/huy/", views.job_cancel, name="cancel"),
    path("<int:job_pk>/chay-lai/", views.job_rerun, name="rerun"),
    path("nhap/<slug:import_kind>/", views_data.import_page, name="import"),
    path("nhap/<slug:import_kind>/mau.xlsx", views_data.import_template, name="import_template"),
    path("xuat/<slug:export_list>/", views_data.export_list, name="export"),
]
