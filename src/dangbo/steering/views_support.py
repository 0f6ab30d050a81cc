"""Pages of support programmes (to be written)."""
from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


programme_list = programme_create = programme_detail = contribution_create = _todo
