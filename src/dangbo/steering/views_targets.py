"""Pages of congress targets (to be written)."""
from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


term_list = term_targets = target_create = target_detail = _todo
