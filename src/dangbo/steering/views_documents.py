"""Pages of the document register (to be written)."""
from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


document_list = document_create = document_detail = document_edit = document_file = _todo
