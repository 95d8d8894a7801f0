"""A cache of analysis results, keyed per (wijk, as_of, kind) on the store's change counter.

Every write that touches a wijk raises its change counter (``GraphStore.change_counter``),
so a cached result is valid exactly while the counter still has the value it had when the
result was computed. A read costs one ``change_counter`` query and a dictionary lookup; a
write anywhere in the wijk makes the next read recompute. Safe to share between threads;
the least recently used entries are dropped beyond ``maxsize``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any, TypeVar

from graph.store.base import GraphStore

__all__ = ["AnalysisCache"]

T = TypeVar("T")


class AnalysisCache:
    """Results by ``(wijk, as_of, kind)``, each valid for one version of the wijk."""

    def __init__(self, maxsize: int = 512) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[tuple[Any, ...], tuple[Hashable, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def get(
        self,
        store: GraphStore,
        wijk: str,
        as_of: date | None,
        kind: Hashable,
        compute: Callable[[], T],
    ) -> T:
        """The cached result for this wijk, day and kind, or ``compute()`` stored anew
        (under the key ``(wijk, as_of, kind)``, with the wijk's change counter)."""
        return self.versioned((wijk, as_of, kind), store.change_counter(wijk), compute)

    def versioned(self, key: tuple[Any, ...], version: Hashable, compute: Callable[[], T]) -> T:
        """The result stored under ``key`` if it was stored for ``version``, else compute it.

        For results that span several wijken, ``version`` can be a tuple of counters.
        """
        with self._lock:
            entry = self._data.get(key)
            if entry is not None and entry[0] == version:
                self._data.move_to_end(key)
                self.hits += 1
                return entry[1]  # type: ignore[no-any-return]  # what compute() stored under key: a T
            self.misses += 1
        value = compute()
        with self._lock:
            self._data[key] = (version, value)
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
