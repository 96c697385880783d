import sys

from django.core.management.base import BaseCommand, CommandError

from transcripts.engine import EngineError
from transcripts.engine.formats import render_speech_segments
from transcripts.engine.vad import VAD_MODELS, VadOptions, detect_speech

DEFAULTS = VadOptions()


class Command(BaseCommand):
    help = "Voice activity detection: print the speech segments of a recording (start_ms, end_ms, duration_ms)."

    def add_arguments(self, parser):
        parser.add_argument("input", help="audio or video file")
        parser.add_argument("--vad", default=DEFAULTS.model, choices=VAD_MODELS, help="VAD model (default silero)")
        parser.add_argument("--format", default="csv", choices=["csv", "json"])
        parser.add_argument("--threshold", type=float, default=DEFAULTS.threshold)
        parser.add_argument("--min-speech-ms", type=int, default=DEFAULTS.min_speech_ms)
        parser.add_argument("--min-silence-ms", type=int, default=DEFAULTS.min_silence_ms)
        parser.add_argument("--pad-ms", type=int, default=None,
                            help="default: 0 (fsmn, whose spans are already padded), 300 (silero)")
        parser.add_argument("--merge-gap-ms", type=int, default=DEFAULTS.merge_gap_ms)
        parser.add_argument("--max-segment-ms", type=int, default=DEFAULTS.max_segment_ms)

    def handle(self, *args, **opts):
        options = VadOptions(
            model=opts["vad"], threshold=opts["threshold"], min_speech_ms=opts["min_speech_ms"],
            min_silence_ms=opts["min_silence_ms"], pad_ms=opts["pad_ms"], merge_gap_ms=opts["merge_gap_ms"],
            max_segment_ms=opts["max_segment_ms"],
        )
        try:
            speech = detect_speech(opts["input"], options)
        except EngineError as e:
            raise CommandError(e.message) from None
        used = ", ".join(f"{k}={v}" for k, v in options.as_dict().items())
        if opts["format"] == "csv":  # JSON carries the options itself; CSV gets them on stderr
            sys.stderr.write(f"VAD {used}\n")
        sys.stdout.write(render_speech_segments(speech.segments, fmt=opts["format"], duration_ms=speech.duration_ms,
                                                options=options.as_dict()).lstrip("\ufeff"))
