"""The cyclic garbage collector: kept out of a large batch computation, tuned for serving.

A month of statements for 10,000 people builds millions of small objects (credits, lines) that
hold no reference cycles. With the collector running, allocation triggers full collections that
walk all of them again and again: 38 s against 17 s paused (bench/commissions.py). Re-enabling
it at the end would trigger one more full walk of everything still alive (4.4 s measured), so
what is alive then is frozen instead: collections skip it, reference counting still frees it.
It is unfrozen a minute later, when the request that needed it is long done, so cyclic garbage
frozen along with it is collected then.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from contextlib import contextmanager

UNFREEZE_AFTER = 60.0  # seconds


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
        try:
            asyncio.get_running_loop().call_later(UNFREEZE_AFTER, gc.unfreeze)
        except RuntimeError:  # no event loop: nothing will outlive the caller long
            gc.unfreeze()


# The serving process's collector. Fanning a board change out to 5,000 sockets allocates a few
# objects per socket (the send coroutines, the ASGI message) that live for a moment; at Python's
# default thresholds (700, 10, 10) they start a young collection every few hundred sends, each
# one promotes what is alive at that moment (a send in progress, a request) to be walked again,
# and the old generation fills until a full collection walks every socket's objects: per 20
# changes at 5,000 subscribers, 441–627 collections, three of them full (each 1.3–2.7 s long on
# a busy machine), 4.1–4.6 s of CPU (bench/fanout.py, docs/performance.md). At (20,000, 20, 20):
# one or two young collections, none full, 78–105 ms of CPU. The cost: cyclic garbage waits
# longer to be freed; server memory with 5,000 sockets measured the same (about 370 MiB).
SERVING_THRESHOLDS = (20_000, 20, 20)
_tuned = False


def tune_for_serving() -> None:
    """Once per process, after start-up: the thresholds above, and start-up's objects frozen.

    What is alive once the app has started (modules, the schema, SQLAlchemy's and Litestar's
    tables: about 200,000 objects) lives as long as the process; frozen, no collection walks
    them again (a full collection took 116–129 ms with them, about nothing without). A batch's
    collector_paused() unfreezes everything a minute after it ends, these too: they are then
    walked by full collections again, as without this, until the process restarts.
    """
    global _tuned
    if _tuned:
        return
    _tuned = True
    gc.set_threshold(*SERVING_THRESHOLDS)
    gc.collect()  # only what is alive is frozen: garbage frozen now would never be collected
    gc.freeze()
