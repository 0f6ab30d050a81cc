"""Views shared by every app: the page helper for a form saved by a service."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import redirect, render

from .forms import save_form


def form_page(
    request,
    form,
    save: Callable[[dict], object],
    *,
    template: str,
    context: dict | None = None,
    success: str | Callable[[object], str] | None = None,
    redirect_to=None,
):
    """The one form → service → message → redirect of every edit page.

    GET: render ``template`` with ``form`` and ``context``. POST: ``save_form`` — with a valid form, call
    ``save(cleaned_data)`` (a service; its ``ApplicationError`` puts every message beside its field, nothing is
    saved); with an invalid one, the service's problems join the form's in one round — then show ``success`` and redirect to ``redirect_to`` (a URL, a callable of the result, or the result
    itself when it has ``get_absolute_url``)."""
    if request.method == "POST":
        result = save_form(form, lambda: save(form.cleaned_data))
        if result is not None and result is not False:
            if success:
                messages.success(request, success(result) if callable(success) else success)
            target = redirect_to(result) if callable(redirect_to) else (redirect_to or result)
            return redirect(target)
    return render(request, template, {"form": form, **(context or {})})
