"""Keeping the cyclic garbage collector out of a large batch computation.

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
