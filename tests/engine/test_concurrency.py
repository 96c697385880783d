"""Batches decoded side by side: the order of results, the bound on what is read ahead, errors,
the CPU layout, and one recogniser called from two threads at once."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.speech import MANDARIN
from transcripts.engine import TranscribeOptions
from transcripts.engine.audio import decode_audio
from transcripts.engine.concurrency import LOOKAHEAD, in_order
from transcripts.engine.device import MAX_CPU_WORKERS, cpu_layout


def test_works_run_at_once_and_results_come_in_order():
    both_running = threading.Barrier(2, timeout=10)  # broken (an error) unless two works overlap
    durations = [0.3, 0.0, 0.1, 0.0, 0.2]

    def work(index: int) -> int:
        if index < 2:
            both_running.wait()
        threading.Event().wait(durations[index])
        return index * 10

    assert list(in_order(range(5), work, parallel=2)) == [(i, i * 10) for i in range(5)]


def test_items_are_read_only_a_bounded_way_ahead_of_the_results():
    read: list[int] = []
    release = threading.Event()

    def items():
        for index in range(50):
            read.append(index)
            yield index

    def work(index: int) -> int:
        if index == 0:
            release.wait(10)  # the first result holds up every later one
        return index

    results = in_order(items(), work, parallel=2)
    threading.Timer(0.5, release.set).start()
    first = next(results)
    assert first == (0, 0) and len(read) <= LOOKAHEAD * 2 + 1
    assert [index for index, _ in results] == list(range(1, 50))


def test_an_error_in_a_work_is_raised_to_the_caller_and_later_works_do_not_start():
    started: list[int] = []

    def work(index: int) -> int:
        started.append(index)
        if index == 1:
            raise ValueError("bad batch")
        threading.Event().wait(0.05)
        return index

    with pytest.raises(ValueError, match="bad batch"):
        list(in_order(range(100), work, parallel=2))
    assert len(started) < 10


def test_one_parallel_work_runs_on_the_calling_thread():
    callers = set()
    list(in_order(range(3), lambda i: callers.add(threading.current_thread()), parallel=1))
    assert callers == {threading.current_thread()}


@pytest.mark.parametrize(("threads", "workers", "each"), [(1, 1, 1), (2, 2, 1), (3, 3, 1), (8, 4, 2), (16, 4, 4)])
def test_cores_become_single_threaded_workers_up_to_a_limit(threads, workers, each):
    layout = cpu_layout(threads)
    assert (layout.workers, layout.threads_per_worker) == (workers, each)
    assert layout.workers <= MAX_CPU_WORKERS


def test_all_cores_by_default():
    assert 1 <= cpu_layout().workers <= MAX_CPU_WORKERS


def test_a_recogniser_called_from_two_threads_at_once_gives_what_it_gives_one_call_at_a_time(engine, clips):
    recognizer = engine.models.get("whisper-base")
    assert recognizer.parallel == cpu_layout().workers
    options = TranscribeOptions(language="zh")
    batches = [[decode_audio(clips[name].path).samples] for name in MANDARIN]

    def texts(decoded) -> list[str]:
        return ["".join(s.text for s in d.segments) for d in decoded]

    alone = [texts(recognizer.recognize_windows(batch, options)) for batch in batches]
    with ThreadPoolExecutor(2) as pool:
        together = list(pool.map(lambda batch: texts(recognizer.recognize_windows(batch, options)), batches))
    assert together == alone and all(text for (text,) in alone)
