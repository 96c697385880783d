import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from transcripts.engine import Engine, EngineError, TranscribeOptions
from transcripts.engine.formats import RENDERERS, render
from transcripts.engine.options import CHINESE_SCRIPTS, DEFAULT_MODEL, VAD_CHOICES
from transcripts.engine.text import parse_hotwords
from transcripts.outputs import output_paths
from transcripts.recognition import engine_config


class Command(BaseCommand):
    help = "Transcribe audio/video files with the engine directly (no queue, no database)."

    def add_arguments(self, parser):
        parser.add_argument("inputs", nargs="+", help="audio or video files")
        parser.add_argument("--language", default="auto", help="auto (default) or a code such as zh, en")
        parser.add_argument("--model", default=DEFAULT_MODEL, help="whisper-base, whisper-tiny.en, or a model directory")
        parser.add_argument("--hotwords", default="", help="comma-separated hotwords")
        parser.add_argument("--hotwords-file", help="file with one hotword per line")
        parser.add_argument("--format", default="txt", choices=sorted(RENDERERS))
        parser.add_argument("--output", default=".", help="output directory (created if missing)")
        parser.add_argument("--no-itn", action="store_true", help="keep spoken numbers (no inverse text normalisation)")
        parser.add_argument("--script", default="simplified", choices=CHINESE_SCRIPTS, help="Chinese output script")
        parser.add_argument("--vad", default=TranscribeOptions.vad, choices=VAD_CHOICES,
                            help="silero (default), fsmn, or none to feed the whole audio to the model")
        parser.add_argument("--word-timestamps", action="store_true")
        parser.add_argument("--beam-size", type=int, default=5)
        parser.add_argument("--split-channels", action="store_true", help="recognise each channel separately")
        parser.add_argument("--max-cue-seconds", type=float, default=TranscribeOptions.max_cue_seconds,
                            help="longest subtitle cue in seconds (default 7)")
        parser.add_argument("--max-line-chars", type=int, default=TranscribeOptions.max_line_chars,
                            help="characters per subtitle line, two lines per cue (default 0: 16 for Chinese, "
                                 "Japanese and Korean, 42 otherwise)")
        parser.add_argument("--diarize", action="store_true", help="label who spoke when (S1, S2, ...)")
        parser.add_argument("--num-speakers", type=int, default=None, help="the number of speakers, when known")
        parser.add_argument("--min-speakers", type=int, default=None, help="at least this many speakers")
        parser.add_argument("--max-speakers", type=int, default=None, help="at most this many speakers")
        parser.add_argument("--device", default=None, help="auto, cpu, cuda or cuda:N (default: ASR_DEVICE)")
        parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: ASR_THREADS or all)")

    def handle(self, *args, **opts):
        try:
            options = self._options(opts).validated()
            engine = Engine(engine_config(device=opts["device"], threads=opts["threads"]))
            engine.models.get(options.model)  # a bad model fails once, before any file
            if engine.models.device.note:  # mps, or a GPU that gave way to the CPU as the model loaded
                self.stderr.write(engine.models.device.note)
        except EngineError as e:
            raise CommandError(e.message) from None
        inputs = [Path(p) for p in opts["inputs"]]
        output_dir = Path(opts["output"])
        output_dir.mkdir(parents=True, exist_ok=True)
        failures = 0
        for source, target in zip(inputs, output_paths(inputs, output_dir, opts["format"])):
            if not self._transcribe_one(engine, source, target, options, opts["format"]):
                failures += 1
        if failures:
            raise CommandError(f"{failures} of {len(inputs)} file(s) failed; the others were written.")

    def _options(self, opts) -> TranscribeOptions:
        hotwords = [h for h in opts["hotwords"].split(",") if h.strip()]
        if opts["hotwords_file"]:
            try:
                text = Path(opts["hotwords_file"]).read_text(encoding="utf-8")
            except OSError as e:
                raise CommandError(f"Cannot read the hotwords file: {e.strerror}: {opts['hotwords_file']}") from None
            hotwords += [term for term, _weight in parse_hotwords(text)]
        return TranscribeOptions(
            model=opts["model"],
            language=opts["language"],
            hotwords=tuple(hotwords),
            itn=not opts["no_itn"],
            chinese_script=opts["script"],
            vad=opts["vad"],
            word_timestamps=opts["word_timestamps"],
            beam_size=opts["beam_size"],
            split_channels=opts["split_channels"],
            max_cue_seconds=opts["max_cue_seconds"],
            max_line_chars=opts["max_line_chars"],
            diarize=opts["diarize"],
            num_speakers=opts["num_speakers"],
            min_speakers=opts["min_speakers"],
            max_speakers=opts["max_speakers"],
        )

    def _transcribe_one(self, engine, source: Path, target: Path, options, fmt: str) -> bool:
        bar: tqdm | None = None
        current_stage = ""

        def progress(position: float, total: float, stage: str) -> None:
            nonlocal bar, current_stage
            if stage != current_stage:
                if bar is not None:
                    bar.close()
                current_stage = stage
                bar = tqdm(total=round(total, 1), unit="s", desc=f"{source.name} [{stage}]", leave=False,
                           file=sys.stderr,
                           bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s [{elapsed}<{remaining}]")
            bar.update(max(0.0, min(round(position, 1), bar.total) - bar.n))

        try:
            result = engine.transcribe(source, options, progress)
        except EngineError as e:
            self.stderr.write(f"{source}: error: {e.message}")
            return False
        finally:
            if bar is not None:
                bar.close()
        target.write_text(render(result, fmt), encoding="utf-8")
        self.stdout.write(
            f"{source.name}: {result.duration:.1f} s audio, language {result.language} "
            f"({result.language_probability:.2f}), {result.processing_seconds:.1f} s, "
            f"RTF {result.real_time_factor:.3f} -> {target}"
        )
        return True
