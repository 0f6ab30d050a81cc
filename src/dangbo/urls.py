from django.urls import include, path

from dangbo.api.api import api

urlpatterns = [
    path("", include("dangbo.workspace.urls")),
    path("", include("dangbo.core.urls")),
    path("tai-khoan/", include("dangbo.accounts.urls")),
    path("to-chuc/", include("dangbo.organizations.urls")),
    path("dang-vien/", include("dangbo.members.urls")),
    path("sinh-hoat/", include("dangbo.meetings.urls")),
    path("dang-phi/", include("dangbo.dues.urls")),
    path("chi-dao/", include("dangbo.steering.urls")),
    path("danh-gia/", include("dangbo.evaluation.urls")),
    path("bao-cao/", include("dangbo.reports.urls")),
    path("cong-viec/", include("dangbo.jobs.urls")),
    path("tai-khoan/khoa-api/", include("dangbo.api.urls")),
    path("api/v1/", api.urls),
]

handler404 = "dangbo.core.errorviews.not_found"
handler500 = "dangbo.core.errorviews.server_error"
