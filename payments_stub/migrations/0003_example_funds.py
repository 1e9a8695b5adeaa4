"""Three example partner funds, so that the demo and staging have something to show.

They are examples, not real partners: a coordinator edits or deactivates them in the admin.
"""

from django.db import migrations

FUNDS = [
    {
        "code": "demo-mut-a",
        "name": "Mutualité Entraide / Ziekenfonds Onderlinge Hulp (example)",
        "member_number_pattern": r"\d{3}-\d{6}-\d{2}",
        "member_number_example": "123-456789-01",
        "contribution_per_hour_cents": 300,
        "annual_cap_cents": 15_000,
    },
    {
        "code": "demo-mut-b",
        "name": "Caisse des Voisins / Burenkas (example)",
        "member_number_pattern": r"[A-Z]{2}\d{8}",
        "member_number_example": "BX12345678",
        "contribution_per_hour_cents": 200,
        "annual_cap_cents": 10_000,
    },
    {
        "code": "demo-mut-c",
        "name": "Solidarité Seniors / Senioren Solidair (example)",
        "member_number_pattern": r"SS-\d{4}\.\d{4}",
        "member_number_example": "SS-1234.5678",
        "contribution_per_hour_cents": 150,
        "annual_cap_cents": 7_500,
    },
]


def forward(apps, schema_editor):
    PartnerFund = apps.get_model("payments_stub", "PartnerFund")
    for fund in FUNDS:
        PartnerFund.objects.get_or_create(code=fund["code"], defaults=fund)


class Migration(migrations.Migration):
    dependencies = [("payments_stub", "0002_ledger_triggers")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
