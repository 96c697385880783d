from django.core.management.base import BaseCommand

from transcripts.services import transcripts_recover_stale


class Command(BaseCommand):
    help = "Requeue (once) or fail transcripts left running by a worker that died."

    def add_arguments(self, parser):
        parser.add_argument("--dead-cluster", default=None,
                            help="the ASR_CLUSTER_ID of a worker cluster known to have died: take back its files now")

    def handle(self, *args, dead_cluster=None, **options):
        requeued, failed = transcripts_recover_stale(dead_cluster=dead_cluster)
        self.stdout.write(f"Requeued {requeued}, failed {failed} stale transcript(s).")
