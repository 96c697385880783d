"""Live recognition latency over a real daphne socket (issue 17).

A platform is started on a loopback port (runplatform, SQLite, no workers: live recognition runs
in the web process). Sessions stream a realistic recording at real-time pace in 100 ms frames:
the shared Mandarin clips with 1.5 s pauses under a -50 dBFS noise floor. Per utterance, the
final's latency is the time from the end of its speech to the final's arrival. Also: the
handshake of the first session after start-up (models not loaded), the longest gap between
partials while someone speaks, and from `end` to `done`; with one session, then two at once.

Targets (whisper-base, 2-core CPU): finals within 1.0 s median and 2.0 s p90; a partial at least
once a second while someone speaks; the handshake under 1 s; two sessions under 2 s median.
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

from bench.long_audio import _mandarin
from tests.platform_server import start_server
from tests.speech import realistic_recording
from transcripts.engine.streaming import frames

FRAME_MS = 100


async def _session(url: str, recording, *, language: str = "zh") -> dict:
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
    partial_times = [at for at, m in arrivals if m["type"] == "partial"]
    gaps = []
    for start, end, _ in recording.timeline:  # between partials (or the utterance's start) while speaking
        inside = [stream_start + start] + [t for t in partial_times if stream_start + start < t < stream_start + end]
        if end - start >= 2.0:
            gaps.append(max(b - a for a, b in zip(inside, inside[1:] + [stream_start + end])))
    done = next(at for at, m in arrivals if m["type"] == "done")
    return {"handshake": handshake, "latencies": latencies, "heard": len(latencies), "utterances": len(recording.timeline),
            "partial_gap": max(gaps) if gaps else float("nan"), "end_to_done": done - ended}


def _p90(values: list[float]) -> float:
    return float(np.percentile(values, 90)) if values else float("nan")


def _report(label: str, sessions: list[dict]) -> None:
    latencies = [x for s in sessions for x in s["latencies"]]
    print(f"{label:<28} {statistics.median(latencies):7.2f} {_p90(latencies):7.2f} "
          f"{max(s['partial_gap'] for s in sessions):8.2f} {max(s['end_to_done'] for s in sessions):8.2f} "
          f"{sum(s['heard'] for s in sessions):>3}/{sum(s['utterances'] for s in sessions)}")


def main() -> None:
    clips = _mandarin()
    recordings = [realistic_recording(clips, seed=seed, noise_dbfs=-50, target_s=18, pauses_s=(1.5, 1.5))
                  for seed in (21, 22, 23)]
    with tempfile.TemporaryDirectory() as data_dir:
        server = start_server(Path(data_dir))
        try:
            url = server.url.replace("http://", "ws://") + "/ws/stream/?token=" + server.tokens["bob"]
            first = asyncio.run(_session(url, recordings[0]))
            one = [asyncio.run(_session(url, recording)) for recording in recordings[1:]]

            async def two_at_once():
                return await asyncio.gather(_session(url, recordings[1]), _session(url, recordings[2]))

            two = asyncio.run(two_at_once())
        finally:
            server.stop()
    print("\n== Live latency over a real daphne socket (whisper-base, cpu; 100 ms frames at real-time pace; "
          "Mandarin utterances with 1.5 s pauses, -50 dBFS)")
    print(f"handshake of the first session after start-up: {first['handshake']:.2f} s; later ones "
          f"{max(s['handshake'] for s in one):.2f} s at most")
    print(f"{'sessions':<28} {'median':>7} {'p90':>7} {'partial':>8} {'end→done':>8} heard")
    print(f"{'(final latency s; longest gap between partials s)':<28}")
    _report("one (first after start-up)", [first])
    _report("one at a time", one)
    _report("two at once", list(two))


if __name__ == "__main__":
    main()
