"""The user's API tokens page (under their account): list, create — the token is shown once — and revoke."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError
from dangbo.core.views import form_page

from . import selectors, services
from .forms import TokenForm
from .models import ApiToken

SHOWN_ONCE = "api_token_shown_once"


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = TokenForm(request.POST or None, initial={"expires_on": today() + dt.timedelta(days=90)})

    def shown_once(created) -> str:
        # Shown once, on the page the browser is sent to next (then gone from the session).
        request.session[SHOWN_ONCE] = [created[0].pk, created[1]]
        return reverse("api_tokens:list")

    def context():
        created = None
        if request.method == "GET" and (shown := request.session.pop(SHOWN_ONCE, None)):
            token = selectors.token_list(request.user).filter(pk=shown[0]).first()
            created = (token, shown[1]) if token else None
        return {"tokens": selectors.token_list(request.user), "created": created, "today": today(),
                "docs_url": reverse("api:openapi-view")}  # fmt: skip

    return form_page(request, form, lambda d: services.token_create(actor=request.user, **d),
                     template="api/tokens.html", context=context, redirect_to=shown_once)  # fmt: skip


@login_required
@require_POST
def token_revoke(request, token_pk):
    token = policies.get_scoped_or_404(request.user, policies.CHANGE, ApiToken.objects.all(), pk=token_pk)
    try:
        services.token_revoke(actor=request.user, token=token)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã thu hồi khóa «{token.name}».")
    return redirect("api_tokens:list")
