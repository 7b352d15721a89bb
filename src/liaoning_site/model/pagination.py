"""Pagination: split an ordered list into pages, each knowing its own and its neighbours' routes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, Sequence, TypeVar

from .urls import Route

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Pager(Generic[T]):
    number: int  # 1-based
    count: int
    items: tuple[T, ...]
    route: Route
    prev: Route | None
    next: Route | None
    first: Route


def paginate(items: Sequence[T], size: int, route_of: Callable[[int], Route]) -> tuple[Pager[T], ...]:
    """Always at least one page, so an empty list still has its (empty) page."""
    count = max(1, -(-len(items) // size))
    return tuple(
        Pager(
            number=n,
            count=count,
            items=tuple(items[(n - 1) * size : n * size]),
            route=route_of(n),
            prev=route_of(n - 1) if n > 1 else None,
            next=route_of(n + 1) if n < count else None,
            first=route_of(1),
        )
        for n in range(1, count + 1)
    )
