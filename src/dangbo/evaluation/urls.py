from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("to-chuc/<int:org_pk>/", views.organization, name="organization"),
    path("to-chuc/<int:org_pk>/ket-qua/", views.scope_results, name="scope_results"),
    path("to-chuc/<int:org_pk>/tieu-chi/", views.criteria_page, name="criteria"),
    path("<int:pk>/", views.campaign, name="campaign"),
    path("<int:pk>/xem-xet/", views.review, name="review"),
    path("<int:pk>/quyet-dinh/", views.decide, name="decide"),
    path("<int:pk>/mo-lai/", views.reopen, name="reopen"),
    path("<int:pk>/ket-qua/", views.results, name="results"),
    path("<int:pk>/ket-qua.xlsx", views.results_xlsx, name="results_xlsx"),
    path("<int:pk>/quyet-dinh.docx", views.decision_docx, name="decision_docx"),
    path("phieu/<int:rating_pk>/", views.rating, name="rating"),
    path("noi-cu-tru/<int:org_pk>/", views.residents, name="residents"),
    path("noi-cu-tru/<int:org_pk>/<int:member_pk>/", views.resident, name="resident"),
]
