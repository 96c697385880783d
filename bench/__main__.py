"""`make bench`: every benchmark, each printing ratios against a baseline run in the same process."""
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def main() -> None:
    from bench import diarization, engine_overhead, gpu, live_latency, long_audio, readability, short_files, unsure_text

    selected = set(sys.argv[1:])
    for name, module in [("engine", engine_overhead), ("long", long_audio), ("readability", readability),
                         ("short", short_files), ("live", live_latency), ("diarization", diarization),
                         ("unsure", unsure_text), ("gpu", gpu)]:
        if not selected or name in selected:
            module.main()


main()
