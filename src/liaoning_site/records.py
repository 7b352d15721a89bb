"""`Record`: the base of the frozen, slotted dataclasses the build cache keeps by the ten thousand.

Dataclasses pickle a slotted class through `__getstate__`/`__setstate__` methods that call
`fields()` for every object: at 10,000 articles, a quarter of the time it takes to read the
cache. A record pickles as the class and its fields in order, and is unpickled by one call.

Unpickling a string decodes it from UTF-8: most of the time it took to read 10,000 documents'
bodies, which a build that changed one article never looks at. Records keep large text as UTF-8
bytes, decoded when asked for (`WithBody`). The build cache goes further: it keeps those bytes in
a file beside each shard and unpickles a `Stored` in their place, read only if a build asks.
"""

from __future__ import annotations

import os
from typing import Any


class Record:
    __slots__ = ()
    __match_args__: tuple[str, ...]  # set by @dataclass: every field, in order

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return type(self), tuple(getattr(self, name) for name in self.__match_args__)


class OpenFile:
    """A file opened for reading, closed when the last `Stored` record reading from it is gone."""

    __slots__ = ("fd",)

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.fd = -1
        self.fd = os.open(path, os.O_RDONLY)

    def __del__(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)


class Stored:
    """Bytes kept at `offset` in a file the build cache opened (see cache.py), read on first use.

    The file stays open from when the cache was read, so another build replacing it (by renaming
    another file into its place) changes nothing for this one.
    """

    __slots__ = ("_file", "offset", "size", "_data")

    def __init__(self, file: OpenFile, offset: int, size: int) -> None:
        self._file, self.offset, self.size, self._data = file, offset, size, None

    def read(self) -> bytes:
        if self._data is None:
            data = os.pread(self._file.fd, self.size, self.offset)
            if len(data) != self.size:
                raise OSError(f"the build cache lost {self.size - len(data)} bytes; build again with --no-cache")
            self._data = data
        return self._data

    def __eq__(self, other: object) -> bool:
        return self.read() == plain(other) if isinstance(other, (bytes, Stored)) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.read())

    def __reduce__(self) -> tuple[type, tuple[bytes]]:
        return bytes, (self.read(),)  # to a worker process, or anywhere else: the bytes themselves


def plain(data: bytes | Stored) -> bytes:
    """The bytes, read first if the build cache kept them (`Stored`)."""
    return data if type(data) is bytes else data.read()  # type: ignore[union-attr]


class WithBody:
    """A document whose Markdown body is kept as UTF-8 (`body_utf8`) and decoded on use."""

    __slots__ = ()
    body_utf8: bytes | Stored

    @property
    def body(self) -> str:
        return plain(self.body_utf8).decode("utf-8")
