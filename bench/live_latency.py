"""Live recognition latency over a real daphne socket (issue 17).

A platform is started on a loopback port (runplatform, SQLite, no workers: live recognition runs
in the web process). Sessions stream a realistic recording at real-time pace in 100 ms frames:
the shared Mandarin clips with 1.5 s pauses under a -50 dBFS noise floor. Per utterance, the
final's latency is the time from the end of its speech to the final's arrival. Also: the
handshake of the first session after start-up (models not loaded), the longest wait for new text
(a partial or a final) while someone speaks (in the clean clip, frames within 25 dB of its
loudest: a clip's lead-in and inner pauses are nobody speaking), the finals' CER, and from `end`
to `done`; with one session, then two at once.

Targets (whisper-base, 2-core CPU): finals within 1.0 s median and 2.0 s p90; a partial at least
once a second while someone speaks; the handshake under 1 s; two sessions under 2 s median.

First, offline and in one process, what a live utterance's decoding costs and gives: the
utterances the live cutter closes on realistic recordings (random order and pauses of 0.8-2.5 s,
noise floors of -60, -50 and -45 dBFS), each decoded by plain faster-whisper `transcribe` at
temperature 0 (the 30 s window; how live decoded before) and by the engine's live path (an
encoder input fitted to the utterance): CER of the finals against the recording's text, and time.
"""
from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import websockets

from bench.common import simplified
from bench.long_audio import _mandarin
from tests.platform_server import start_server
from tests.speech import character_error_rate, realistic_recording
from transcripts.engine.streaming import frames

FRAME_MS = 100


async def _session(url: str, recording, clips: dict, *, language: str = "zh") -> dict:
    started = time.perf_counter()
    async with websockets.connect(url, max_size=None) as live:
        handshake = time.perf_counter() - started
        await live.send(json.dumps({"language": language}))
        arrivals: list[tuple[float, dict]] = []

        async def receive():
            async for message in live:
                arrivals.append((time.perf_counter(), json.loads(message)))

        receiver = asyncio.create_task(receive())
        stream_start = time.perf_counter()
        for index, frame in enumerate(frames(recording.samples, FRAME_MS)):
            await asyncio.sleep(max(0.0, stream_start + index * FRAME_MS / 1000 - time.perf_counter()))
            await live.send(frame)
        ended = time.perf_counter()
        await live.send(json.dumps({"type": "end"}))
        await asyncio.wait_for(receiver, timeout=300)
    finals = [(at, m) for at, m in arrivals if m["type"] == "final"]
    latencies = []
    for start, end, _ in recording.timeline:
        mine = [at for at, m in finals if m["start"] < end and m["end"] > start]
        if mine:
            latencies.append(max(mine) - (stream_start + end))
    shown = [at - stream_start for at, m in arrivals if m["type"] in ("partial", "final")]
    gaps = []
    for start, end in _speaking(recording, clips):  # the longest wait for new text while someone speaks
        inside = [start] + [t for t in shown if start < t < end] + [end]
        gaps.append(max(b - a for a, b in zip(inside, inside[1:])))
    done = next(at for at, m in arrivals if m["type"] == "done")
    said = simplified("".join(m["text"] for _, m in finals))
    return {"handshake": handshake, "latencies": latencies, "heard": len(latencies), "utterances": len(recording.timeline),
            "partial_gap": max(gaps) if gaps else float("nan"), "waits": gaps, "end_to_done": done - ended,
            "cer": character_error_rate(["".join(recording.references)], [said])}


def utterance_decoding() -> None:
    from bench.common import CACHE_DIR
    from transcripts.engine import Engine, EngineConfig, TranscribeOptions
    from transcripts.engine.streaming import UtteranceCutter

    engine = Engine(EngineConfig(cache_dir=CACHE_DIR, device="cpu"))
    options = TranscribeOptions(language="zh")
    model = engine.models.get(options.model).model
    clips = _mandarin()
    print("\n== Live utterances decoded (whisper-base, cpu int8, beam 5, zh; the cutter's utterances of "
          "40 s realistic recordings, pauses 0.8-2.5 s)")
    print(f"{'noise floor':<12} {'utterances':>10} {'30 s window: CER':>17} {'s':>6} {'fitted: CER':>12} {'s':>6} {'speed':>6}")
    for noise_dbfs, seed in [(-60, 31), (-50, 32), (-45, 33), (-50, 34)]:
        recording = realistic_recording(clips, seed=seed, noise_dbfs=noise_dbfs, target_s=40)
        cutter = UtteranceCutter()
        utterances = [u for frame in np.array_split(recording.samples, len(recording.samples) // 1600)
                      for u in cutter.feed(frame)] + cutter.finish()
        texts = {"window": [], "fitted": []}
        seconds = {"window": 0.0, "fitted": 0.0}
        for utterance in utterances:
            started = time.perf_counter()
            pieces, _ = model.transcribe(utterance.samples, language="zh", beam_size=5, temperature=0.0,
                                         condition_on_previous_text=False)
            texts["window"].append("".join(piece.text for piece in pieces))
            seconds["window"] += time.perf_counter() - started
            started = time.perf_counter()
            texts["fitted"].append(engine.transcribe_samples(utterance.samples, options, live=True).text)
            seconds["fitted"] += time.perf_counter() - started
        reference = ["".join(recording.references)]
        cer = {name: character_error_rate(reference, [simplified("".join(t))])
               for name, t in texts.items()}
        print(f"{noise_dbfs:<12} {len(utterances):>10} {cer['window']:>17.3f} {seconds['window']:>6.1f} "
              f"{cer['fitted']:>12.3f} {seconds['fitted']:>6.1f} {seconds['window'] / seconds['fitted']:>5.1f}x")


def _speaking(recording, clips: dict, gap_s: float = 0.3, min_s: float = 1.0) -> list[tuple[float, float]]:
    """When someone speaks in the recording: inside each clip, the 10 ms frames of the clean clip
    within 25 dB of its loudest, pauses under gap_s bridged, spans under min_s left out. A clip's
    own lead-in and its pauses are nobody speaking, so no partial is owed there."""
    spans = []
    for start, _end, name in recording.timeline:
        samples = clips[name][0]
        rms = np.sqrt(np.mean(samples[: len(samples) // 160 * 160].reshape(-1, 160) ** 2, axis=1)) + 1e-9
        loud = np.flatnonzero(20 * np.log10(rms / rms.max()) > -25) / 100
        if not len(loud):
            continue
        pieces = [[loud[0], loud[0] + 0.01]]
        for t in loud[1:]:
            if t - pieces[-1][1] < gap_s:
                pieces[-1][1] = t + 0.01
            else:
                pieces.append([t, t + 0.01])
        spans += [(start + a, start + b) for a, b in pieces if b - a >= min_s]
    return spans


def _within_a_second(sessions: list[dict]) -> str:
    waits = [wait for s in sessions for wait in s["waits"]]
    return f"{sum(wait <= 1.0 for wait in waits)}/{len(waits)}"


def _p90(values: list[float]) -> float:
    return float(np.percentile(values, 90)) if values else float("nan")


def _report(label: str, sessions: list[dict]) -> None:
    latencies = [x for s in sessions for x in s["latencies"]]
    print(f"{label:<28} {statistics.median(latencies):7.2f} {_p90(latencies):7.2f} "
          f"{max(s['partial_gap'] for s in sessions):8.2f} {_within_a_second(sessions):>8} "
          f"{max(s['end_to_done'] for s in sessions):8.2f} "
          f"{sum(s['heard'] for s in sessions):>3}/{sum(s['utterances'] for s in sessions)} "
          f"{statistics.mean(s['cer'] for s in sessions):6.3f}")


def main() -> None:
    utterance_decoding()
    clips = _mandarin()
    recordings = [realistic_recording(clips, seed=seed, noise_dbfs=-50, target_s=18, pauses_s=(1.5, 1.5))
                  for seed in (21, 22, 23)]
    with tempfile.TemporaryDirectory() as data_dir:
        server = start_server(Path(data_dir))
        try:
            url = server.url.replace("http://", "ws://") + "/ws/stream/?token=" + server.tokens["bob"]
            first = asyncio.run(_session(url, recordings[0], clips))
            one = [asyncio.run(_session(url, recording, clips)) for recording in recordings[1:]]

            async def two_at_once():
                return await asyncio.gather(_session(url, recordings[1], clips), _session(url, recordings[2], clips))

            two = asyncio.run(two_at_once())
        finally:
            server.stop()
    print("\n== Live latency over a real daphne socket (whisper-base, cpu; 100 ms frames at real-time pace; "
          "Mandarin utterances with 1.5 s pauses, -50 dBFS)")
    print(f"handshake of the first session after start-up: {first['handshake']:.2f} s; later ones "
          f"{max(s['handshake'] for s in one):.2f} s at most")
    print(f"{'sessions':<28} {'median':>7} {'p90':>7} {'wait':>8} {'≤ 1 s':>8} {'end→done':>8} heard {'CER':>6}")
    print("(final latency s; wait: the longest for new text while someone speaks, s; ≤ 1 s: stretches of speech "
          "whose longest wait was within a second)")
    _report("one (first after start-up)", [first])
    _report("one at a time", one)
    _report("two at once", list(two))


if __name__ == "__main__":
    main()
