"""`Record`: the base of the frozen, slotted dataclasses the build cache keeps by the ten thousand.

Dataclasses pickle a slotted class through `__getstate__`/`__setstate__` methods that call
`fields()` for every object: at 10,000 articles, a quarter of the time it takes to read the
cache. A record pickles as the class and its fields in order, and is unpickled by one call.

Unpickling a string decodes it from UTF-8: most of the time it took to read 10,000 documents'
bodies, which a build that changed one article never looks at. Records keep large text as UTF-8
bytes, decoded when asked for (`WithBody`).
"""

from __future__ import annotations

from typing import Any


class Record:
    __slots__ = ()
    __match_args__: tuple[str, ...]  # set by @dataclass: every field, in order

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return type(self), tuple(getattr(self, name) for name in self.__match_args__)


class WithBody:
    """A document whose Markdown body is kept as UTF-8 (`body_utf8`) and decoded on use."""

    __slots__ = ()
    body_utf8: bytes

    @property
    def body(self) -> str:
        return self.body_utf8.decode("utf-8")
