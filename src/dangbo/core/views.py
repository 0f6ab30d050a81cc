"""Views shared by every app: the one edit page — a form saved by a service."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import redirect, render

from .errors import ApplicationError
from .forms import save_form


def form_page(
    request,
    form,
    save: Callable[[dict], object] | None,
    *,
    template: str,
    context: dict | Callable[[], dict] | None = None,
    name: str | None = "form",
    ok: Callable[[], bool] | None = None,
    tracked=None,
    obj=None,
    reload: bool = False,
    success: str | Callable[[object], str | tuple[int, str] | None] | None = None,
    redirect_to=None,
):
    """The one form → service → message → redirect of every page that saves a form (create, edit, a page's
    several forms: one call for the form that was posted).

    GET — or a POST with ``save=None`` (nothing to save on this page now) — renders ``template`` with ``form``
    under ``name`` (None: not put in; the page's forms are in ``context``) and ``context`` (a dict, or a callable
    read after the save was tried: what the form read is there).

    POST: ``core.forms.save_form`` — a valid form (``ok()`` overrides ``form.is_valid()``, e.g. a formset beside
    it) calls ``save(form.cleaned_data)`` (a service: its ApplicationError puts every message beside its field,
    nothing is saved); an invalid one asks the service too on what could be read, so its problems join the form's
    in one round. ``tracked``/``obj``: an edit form with a version token (``audit.concurrency.Tracked`` of
    ``obj``) — a stale save is shown again on the record as it is now (``Tracked.rebase``); ``reload``: ``obj`` is
    read again after a refused save (a ModelForm has put the typed values on it; the page shows the stored ones).
    ``form=None``: a page without fields — a refusal is said in a message.

    Saved (a result that is not None/False): the ``success`` message (a text, or a callable of the result giving
    a text, a ``(level, text)`` or None), the result's ``warnings`` (what a service accepted but the sources leave
    open), then a redirect to ``redirect_to``: a URL or URL name, a callable of the result, or — when None — the
    result itself (its ``get_absolute_url``)."""
    if request.method == "POST" and save is not None:
        result = _save(request, form, save, ok, tracked, obj)
        if result is not None and result is not False:
            said = success(result) if callable(success) else success
            if said:
                level, text = said if isinstance(said, tuple) else (messages.SUCCESS, said)
                messages.add_message(request, level, text)
            show_warnings(request, result)
            target = redirect_to(result) if callable(redirect_to) else (redirect_to or result)
            return redirect(target)
        if reload and obj is not None:
            obj.refresh_from_db()
    extra = context() if callable(context) else (context or {})
    return render(request, template, {name: form, **extra} if name else extra)


def show_warnings(request, result) -> None:
    """What a service accepted but the sources leave open (``result.warnings``), as warning messages."""
    for warning in getattr(result, "warnings", ()):
        messages.warning(request, warning)


def _save(request, form, save, ok, tracked, obj):
    if form is None:
        try:
            return save({})
        except ApplicationError as error:
            messages.error(request, error.message)
            return None
    return save_form(
        form, lambda: save(form.cleaned_data), ok=None if ok is None else ok(), tracked=tracked, obj=obj
    )


def refusal(message: str) -> Callable[[dict], object]:
    """A ``save`` for a form that cannot be saved as the page stands (no organization chosen …): ``message`` is
    shown beside the form's own problems, in the same round."""

    def refuse(data):
        raise ApplicationError(message)

    return refuse
