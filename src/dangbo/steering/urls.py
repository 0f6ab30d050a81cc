from django.urls import path

from .documents import views as documents
from .support import views as support
from .targets import views as targets
from .tasks import views as tasks

app_name = "steering"
urlpatterns = [
    path("", tasks.index, name="index"),
    # Document register
    path("van-ban/", documents.document_list, name="documents"),
    path("van-ban/them/", documents.document_create, name="document_create"),
    path("van-ban/<int:document_pk>/", documents.document_detail, name="document"),
    path("van-ban/<int:document_pk>/sua/", documents.document_edit, name="document_edit"),
    path("van-ban/<int:document_pk>/tep/", documents.document_file, name="document_file"),
    # Tasks and reports
    path("nhiem-vu/", tasks.task_list, name="tasks"),
    path("nhiem-vu/them/", tasks.task_create, name="task_create"),
    path("nhiem-vu/<int:task_pk>/", tasks.task_detail, name="task"),
    path("nhiem-vu/<int:task_pk>/sua/", tasks.task_edit, name="task_edit"),
    path("nhiem-vu/<int:task_pk>/ket-thuc/", tasks.task_close, name="task_close"),
    path("nhiem-vu/<int:task_pk>/bao-cao.xlsx", tasks.task_xlsx, name="task_xlsx"),
    path("bao-cao/<int:assignment_pk>/", tasks.report, name="report"),
    path("bao-cao/<int:assignment_pk>/tep/", tasks.report_file, name="report_file"),
    # Congress targets
    path("chi-tieu/", targets.term_list, name="terms"),
    path("chi-tieu/nhiem-ky/<int:term_pk>/", targets.term_targets, name="term_targets"),
    path("chi-tieu/nhiem-ky/<int:term_pk>/them/", targets.target_create, name="target_create"),
    path("chi-tieu/<int:target_pk>/", targets.target_detail, name="target"),
    path("chi-tieu/<int:target_pk>/sua/", targets.target_edit, name="target_edit"),
    # Support programmes
    path("ho-tro/", support.programme_list, name="programmes"),
    path("ho-tro/them/", support.programme_create, name="programme_create"),
    path("ho-tro/<int:programme_pk>/", support.programme_detail, name="programme"),
    path("ho-tro/<int:programme_pk>/sua/", support.programme_edit, name="programme_edit"),
    path("ho-tro/<int:programme_pk>/dong-gop/", support.contribution_create, name="contribution_create"),
]
