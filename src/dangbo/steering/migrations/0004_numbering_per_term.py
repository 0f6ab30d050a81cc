"""Own documents are numbered per committee term (HD 36-HD/VPTW §II.1.3.1), no longer per year; a congress numbers
its documents together.

Documents already issued keep their numbers (legal facts): they are marked as numbered per year and placed in the
committee term their date belongs to; the counters are rebuilt per term so the next number of each type in a term
follows the highest one already used in it. Incoming documents get their issuer's name folded for the duplicate
rule. Schema first, data last (PostgreSQL refuses to alter a table with pending deferred checks)."""

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Max

BATCH = 2000


def renumber(apps, schema_editor):
    from dangbo.core.text import fold
    from dangbo.organizations.selectors import term_of_day

    Document = apps.get_model("steering", "Document")
    Counter = apps.get_model("steering", "DocumentCounter")
    Term = apps.get_model("organizations", "Term")
    terms = defaultdict(list)
    for term in Term.objects.only("pk", "organization_id", "start_date", "end_date"):
        terms[term.organization_id].append(term)
    columns = ("pk", "register_id", "direction", "issuer_name", "issued_date")
    last_pk = 0
    while rows := list(Document.objects.only(*columns).filter(pk__gt=last_pk).order_by("pk")[:BATCH]):
        for doc in rows:
            doc.issuer_norm = fold(doc.issuer_name)
            if doc.direction == "di":
                doc.numbering = "nam"
                term = term_of_day(terms.get(doc.register_id, ()), doc.issued_date)
                doc.term_id = term.pk if term else None
        Document.objects.bulk_update(rows, ["issuer_norm", "numbering", "term"])
        last_pk = rows[-1].pk
    highest = (
        Document.objects.filter(direction="di", term__isnull=False)
        .values("term_id", "type_code", "issuer_code")
        .annotate(last=Max("number"))
        .order_by()
    )
    Counter.objects.bulk_create(
        [
            Counter(
                term_id=h["term_id"], type_code=h["type_code"], issuer_code=h["issuer_code"], last=h["last"]
            )
            for h in highest
        ],
        batch_size=BATCH,
    )


class Migration(migrations.Migration):
    dependencies = [("steering", "0003_communes"), ("organizations", "0001_initial")]

    operations = [
        migrations.RemoveConstraint(model_name="document", name="document_symbol_once"),
        migrations.AddField(
            model_name="document",
            name="numbering",
            field=models.CharField(
                blank=True,
                choices=[
                    ("nhiem_ky", "Theo nhiệm kỳ cấp ủy"),
                    ("dai_hoi", "Văn bản của đại hội"),
                    ("nam", "Theo năm (số đã cấp trước khi sửa cách đánh số)"),
                ],
                default="",
                editable=False,
                max_length=10,
                verbose_name="Dãy số",
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="term",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="documents",
                to="organizations.term",
                verbose_name="Nhiệm kỳ",
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="issuer_norm",
            field=models.CharField(default="", editable=False, max_length=255),
        ),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.UniqueConstraint(
                condition=models.Q(("numbering", "nhiem_ky")),
                fields=("register", "issuer_code", "type_code", "number", "term"),
                name="document_term_symbol_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.UniqueConstraint(
                condition=models.Q(("numbering", "dai_hoi")),
                fields=("register", "term", "number"),
                name="document_congress_number_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.UniqueConstraint(
                condition=models.Q(("numbering", "nam")),
                fields=("register", "issuer_code", "type_code", "number", "year"),
                name="document_year_symbol_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.UniqueConstraint(
                condition=models.Q(("direction", "den")),
                fields=("register", "issuer_code", "type_code", "number", "issued_date", "issuer_norm"),
                name="document_incoming_once",
            ),
        ),
        # The yearly counters are replaced by counters per term, rebuilt from the documents below.
        migrations.DeleteModel(name="DocumentCounter"),
        migrations.CreateModel(
            name="DocumentCounter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("congress", models.BooleanField(default=False)),
                ("type_code", models.CharField(default="", max_length=10)),
                ("issuer_code", models.CharField(default="", max_length=20)),
                ("last", models.PositiveIntegerField(default=0)),
                (
                    "term",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="organizations.term"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("term", "congress", "type_code", "issuer_code"), name="counter_once"
                    )
                ],
            },
        ),
        migrations.RunPython(renumber, migrations.RunPython.noop),
    ]
