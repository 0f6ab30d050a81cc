"""The party document types and their codes (HD 36-HD/VPTW, DOMAIN-SOURCES §12.7). Data, not code: an
organization that writes "Quy định" as QĐi deactivates or edits a row."""

from django.db import migrations

TYPES = [
    ("NQ", "Nghị quyết"), ("CT", "Chỉ thị"), ("KL", "Kết luận"), ("QĐ", "Quyết định"), ("QĐi", "Quy định"),
    ("QC", "Quy chế"), ("HD", "Hướng dẫn"), ("TT", "Thông tri"), ("TB", "Thông báo"), ("TC", "Thông cáo"),
    ("BC", "Báo cáo"), ("KH", "Kế hoạch"), ("CTr", "Chương trình"), ("TTr", "Tờ trình"), ("ĐA", "Đề án"),
    ("PA", "Phương án"), ("QTr", "Quy trình"), ("BB", "Biên bản"), ("CV", "Công văn"), ("GGT", "Giấy giới thiệu"),
    ("GM", "Giấy mời"), ("BS", "Bản sao"),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("steering", "DocumentType")
    for rank, (code, name) in enumerate(TYPES, start=1):
        DocumentType.objects.update_or_create(code=code, defaults={"name": name, "rank": rank})


class Migration(migrations.Migration):
    dependencies = [("steering", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
