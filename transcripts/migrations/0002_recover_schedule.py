"""Run the recovery of transcripts left running by a dead worker every 10 minutes, in the cluster."""
from django.db import migrations

FUNC = "transcripts.services.transcripts_recover_stale"


def add_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(func=FUNC, defaults={"name": "recover stale transcripts",
                                                        "schedule_type": "I", "minutes": 10, "repeats": -1})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [("transcripts", "0001_initial"), ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more")]
    operations = [migrations.RunPython(add_schedule, remove_schedule)]
