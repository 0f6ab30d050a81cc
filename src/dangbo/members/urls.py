from django.urls import path

from dangbo.jobs import views_data

from . import views
from .admission import views as admission_views
from .history import views as history_views

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
    path("<int:pk>/su-kien/", history_views.event_create, name="event_create"),
    path("su-kien/<int:event_pk>/xoa/", history_views.event_delete, name="event_delete"),
    path("<int:pk>/le-ket-nap/", admission_views.ceremony, name="ceremony"),
    path("<int:pk>/cong-nhan-chinh-thuc/", admission_views.recognize, name="recognize"),
    path("<int:pk>/chuyen-sinh-hoat/", history_views.transfer_create, name="transfer_create"),
    path("chuyen-sinh-hoat/", history_views.transfer_list, name="transfers"),
    path("chuyen-sinh-hoat/<int:transfer_pk>/", history_views.transfer_detail, name="transfer"),
    path(
        "chuyen-sinh-hoat/<int:transfer_pk>/giay-gioi-thieu.docx",
        history_views.transfer_letter,
        name="transfer_letter",
    ),
    path("chuyen-sinh-hoat/<int:transfer_pk>/huy/", history_views.transfer_cancel, name="transfer_cancel"),
    path("chuyen-sinh-hoat/<int:transfer_pk>/tro-ve/", history_views.transfer_return, name="transfer_return"),
    # Admission pipeline.
    path("ket-nap/", admission_views.candidate_list, name="candidates"),
    path("ket-nap/them/", admission_views.candidate_create, name="candidate_create"),
    path("ket-nap/<int:candidate_pk>/", admission_views.candidate_detail, name="candidate"),
    path("ket-nap/<int:candidate_pk>/quyet-dinh/", admission_views.candidate_admit, name="candidate_admit"),
]
