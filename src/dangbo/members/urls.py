from django.urls import path

from dangbo.jobs import views_data

from . import views
from .history import views as views_history

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("them/", views.member_create, name="create"),
    path("ho-so-cua-toi.xlsx", views.own_record, name="own_record"),
    path("nhap/", views_data.import_page, {"import_kind": "dang_vien"}, name="import"),
    path(
        "nhap/mau-nhap-dang-vien.xlsx",
        views_data.import_template,
        {"import_kind": "dang_vien"},
        name="import_template",
    ),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/sua/", views.member_edit, name="edit"),
    path("<int:pk>/xoa/", views.member_delete, name="delete"),
    # History: events, probation, transfers.
    path("<int:pk>/su-kien/", views_history.event_create, name="event_create"),
    path("su-kien/<int:event_pk>/xoa/", views_history.event_delete, name="event_delete"),
    path("<int:pk>/le-ket-nap/", views_history.ceremony, name="ceremony"),
    path("<int:pk>/cong-nhan-chinh-thuc/", views_history.recognize, name="recognize"),
    path("<int:pk>/chuyen-sinh-hoat/", views_history.transfer_create, name="transfer_create"),
    path("chuyen-sinh-hoat/", views_history.transfer_list, name="transfers"),
    path("chuyen-sinh-hoat/<int:transfer_pk>/", views_history.transfer_detail, name="transfer"),
    path(
        "chuyen-sinh-hoat/<int:transfer_pk>/giay-gioi-thieu.docx",
        views_history.transfer_letter,
        name="transfer_letter",
    ),
    path("chuyen-sinh-hoat/<int:transfer_pk>/huy/", views_history.transfer_cancel, name="transfer_cancel"),
    path("chuyen-sinh-hoat/<int:transfer_pk>/tro-ve/", views_history.transfer_return, name="transfer_return"),
    # Admission pipeline.
    path("ket-nap/", views_history.candidate_list, name="candidates"),
    path("ket-nap/them/", views_history.candidate_create, name="candidate_create"),
    path("ket-nap/<int:candidate_pk>/", views_history.candidate_detail, name="candidate"),
    path("ket-nap/<int:candidate_pk>/quyet-dinh/", views_history.candidate_admit, name="candidate_admit"),
]
