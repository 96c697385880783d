"""Work on a stream of items, several at once, results in the items' order."""
from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Items read ahead, per work running at once: a work that finishes early takes the next item while
# an earlier, longer one is still running, so no thread waits on the order of the results.
LOOKAHEAD = 2


def in_order(items: Iterable[Item], work: Callable[[Item], Result], parallel: int) -> Iterator[tuple[Item, Result]]:
    """(item, work(item)) in the order of `items`, with up to `parallel` works running at once in
    threads (worth it where `work` releases the GIL, as CTranslate2 does). `items` is read on the
    calling thread, at most LOOKAHEAD * parallel ahead of what was yielded: a stream cut from audio
    as it is decoded stays bounded in memory. An exception in a work is raised here; works not yet
    started are dropped, and those running are waited for."""
    if parallel <= 1:
        for item in items:
            yield item, work(item)
        return
    source = iter(items)
    pending: deque[tuple[Item, Future[Result]]] = deque()
    exhausted = False
    with ThreadPoolExecutor(parallel, thread_name_prefix="recognition") as pool:
        try:
            while True:
                running = [future for _, future in pending if not future.done()]
                while not exhausted and len(running) < parallel and len(pending) < LOOKAHEAD * parallel:
                    item = next(source, _END)
                    if item is _END:
                        exhausted = True
                        break
                    pending.append((item, pool.submit(work, item)))
                    running.append(pending[-1][1])
                if not pending:
                    return
                if not pending[0][1].done():
                    wait(running, return_when=FIRST_COMPLETED)
                while pending and pending[0][1].done():
                    item, future = pending.popleft()
                    yield item, future.result()
        finally:
            for _, future in pending:
                future.cancel()


_END = object()
