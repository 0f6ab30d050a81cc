from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from . import health


class FaviconView(RedirectView):
    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("dangbo/favicon.svg")  # read when asked: the static manifest is there by then


app_name = "core"
urlpatterns = [
    path("suc-khoe/", health.health, name="health"),
    # Browsers ask for /favicon.ico where a page names no icon (a downloaded PDF, the API): the one icon, our own.
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
]
