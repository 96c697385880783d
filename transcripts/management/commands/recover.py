from django.core.management.base import BaseCommand

from transcripts.services import transcripts_recover_stale


class Command(BaseCommand):
    help = "Requeue (once) or fail transcripts left running by a worker that died."

    def handle(self, *args, **options):
        requeued, failed = transcripts_recover_stale()
        self.stdout.write(f"Requeued {requeued}, failed {failed} stale transcript(s).")
