from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("chon/", views.picker, name="picker"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/con/", views.tree_children, name="children"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/cap-uy/", views.committee, name="committee"),
    path("<int:pk>/cap-uy/<int:seat_pk>/thoi/", views.seat_end, name="seat_end"),
    path("<int:parent_pk>/them/", views.create, name="create"),
    path("<int:pk>/sap-xep/", views.restructure_page, name="restructure"),
    path("<int:pk>/ban-giao/", views.handover_page, name="handover"),
]
