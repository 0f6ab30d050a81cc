"""Pages of assigned tasks and reports (to be written)."""
from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


index = task_list = task_create = task_detail = task_close = report = report_file = _todo
