"""Run a batch job from the command line through the same queue as the batch page."""
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.models import Membership, Team
from transcripts import selectors, services
from transcripts.engine import EngineError, TranscribeOptions
from transcripts.engine.formats import RENDERERS, render
from transcripts.models import Status
from transcripts.outputs import output_paths
from transcripts.selectors import transcript_result

AUDIO_SUFFIXES = {".wav", ".mp3", ".flac", ".m4a", ".aac", ".ogg", ".opus", ".wma", ".mp4", ".mkv", ".webm", ".mov"}
STALL_WARNING_SECONDS = 30


def expand_inputs(items: list[str]) -> list[Path]:
    """Directories give their audio/video files (sorted); a .txt file lists one path per line."""
    found: list[Path] = []
    for item in map(Path, items):
        if item.is_dir():
            found += sorted(p for p in item.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES)
        elif item.suffix.lower() == ".txt":
            found += [Path(line.strip()) for line in item.read_text(encoding="utf-8").splitlines() if line.strip()]
        else:
            found.append(item)
    return found


class Command(BaseCommand):
    help = "Queue files as one batch job for a team, show its progress, and write the results."

    def add_arguments(self, parser):
        parser.add_argument("inputs", nargs="+", help="files, directories, or .txt lists of paths")
        parser.add_argument("--team", required=True, help="team slug or name")
        parser.add_argument("--user", help="username that owns the job (default: the team's first admin)")
        parser.add_argument("--language", default="auto")
        parser.add_argument("--hotwords", default="", help="comma-separated hotwords")
        parser.add_argument("--no-itn", action="store_true")
        parser.add_argument("--format", default="srt", choices=sorted(RENDERERS))
        parser.add_argument("--output", default=".", help="output directory (created if missing)")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between progress checks")

    def handle(self, *args, **opts):
        team = Team.objects.filter(slug=opts["team"]).first() or Team.objects.filter(name=opts["team"]).first()
        if team is None:
            raise CommandError(f"No team {opts['team']!r}; `manage.py shell` or the admin lists the teams.")
        user = self._owner(team, opts["user"])
        paths = expand_inputs(opts["inputs"])
        missing = [str(p) for p in paths if not p.is_file()]
        if missing or not paths:
            raise CommandError("No input files." if not paths else f"Not found: {', '.join(missing)}")
        options = TranscribeOptions(language=opts["language"], itn=not opts["no_itn"],
                                    hotwords=tuple(h.strip() for h in opts["hotwords"].split(",") if h.strip()))
        try:
            job = services.job_create(team=team, user=user, options=options,
                                  files=((str(p), p.read_bytes()) for p in paths))
        except EngineError as e:
            raise CommandError(e.message) from None
        self.stderr.write(f"job #{job.id}: {len(paths)} file(s) queued for team {team.name}")
        snapshot = self._follow(job, opts["poll"])
        output = Path(opts["output"])
        output.mkdir(parents=True, exist_ok=True)
        rows = list(job.transcripts.order_by("id"))
        failures = 0
        for transcript, target in zip(rows, output_paths(paths, output, opts["format"])):
            if transcript.status == Status.DONE:
                target.write_text(render(transcript_result(transcript), opts["format"]), encoding="utf-8")
                self.stdout.write(f"{transcript.source_name} → {target}")
            else:
                failures += 1
                self.stderr.write(f"{transcript.source_name}: {transcript.status}: {transcript.error_message}")
        if failures:
            raise CommandError(f"{failures} of {snapshot['total']} file(s) failed; the others were written.")

    def _owner(self, team: Team, username: str | None):
        if username:
            membership = Membership.objects.filter(team=team, user__username=username,
                                                   role__gte=Membership.Role.MEMBER).first()
            if membership is None:
                raise CommandError(f"{username!r} is not a member (or admin) of {team.name}.")
            return membership.user
        admin = Membership.objects.filter(team=team, role=Membership.Role.ADMIN).order_by("id").first()
        return admin.user if admin else get_user_model().objects.filter(is_superuser=True).first()

    def _follow(self, job, poll: float) -> dict:
        """A progress bar over the job's audio, until every file has finished."""
        last_change, last_fraction = time.monotonic(), -1.0
        with tqdm(total=1.0, unit="job", bar_format="{l_bar}{bar}| {postfix}", file=self.stderr._out) as bar:
            while True:
                snapshot = selectors.job_snapshot(job=job)
                bar.n = snapshot["fraction"]
                bar.set_postfix_str(f"{snapshot['done']}/{snapshot['total']} files"
                                    + (f", ETA {snapshot['eta_seconds']:.0f} s" if snapshot["eta_seconds"] else ""))
                if snapshot["status"] not in ("queued", "running"):
                    return snapshot
                if snapshot["fraction"] != last_fraction:
                    last_change, last_fraction = time.monotonic(), snapshot["fraction"]
                elif time.monotonic() - last_change > STALL_WARNING_SECONDS:
                    bar.write("no progress for 30 s: is a worker running (`manage.py runplatform` or `qcluster`)?")
                    last_change = time.monotonic()
                time.sleep(poll)
