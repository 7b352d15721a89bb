"""`Record`: the base of the frozen, slotted dataclasses the build cache keeps by the ten thousand.

Dataclasses pickle a slotted class through `__getstate__`/`__setstate__` methods that call
`fields()` for every object: at 10,000 articles, a quarter of the time it takes to read the
cache. A record pickles as the class and its fields in order, and is unpickled by one call.
"""

from __future__ import annotations

from typing import Any


class Record:
    __slots__ = ()
    __match_args__: tuple[str, ...]  # set by @dataclass: every field, in order

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return type(self), tuple(getattr(self, name) for name in self.__match_args__)
