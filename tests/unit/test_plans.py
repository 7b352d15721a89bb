"""Card digests: the build cache hands the last build's to the next, used only under the same body settings."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest

from liaoning_site import plans
from liaoning_site.build import BuildOptions, prepare_site
from liaoning_site.diagnostics import Diagnostics
from liaoning_site.markdown import RenderedBody


class _Bodies:
    def __init__(self, settings: str) -> None:
        self.settings = settings

    def raw(self, source: str) -> RenderedBody:
        return RenderedBody("<p>摘要</p>".encode(), (), "摘要", 1)


class _Views:
    def __init__(self, settings: str) -> None:
        self.bodies = _Bodies(settings)

    def marked(self, source: str) -> bool:
        return False


@pytest.fixture(autouse=True)
def _forget_kept_digests() -> Iterator[None]:
    yield
    plans.remember_card_digests(("", {}))


def test_kept_card_digests_are_used_only_under_the_settings_they_were_made_with(make_site: Callable[..., Path]) -> None:
    site = prepare_site(BuildOptions(source=make_site()), Diagnostics())
    article = site.articles[0]
    kept = (b"c" * 16, b"l" * 16)
    plans.remember_card_digests(("markdown A", {(article.digest, False): kept}))

    same = plans.ArticleDigests()
    same.start(site, _Views("markdown A"), same_lineage=False)  # type: ignore[arg-type]
    assert same.of(article) == kept

    other = plans.ArticleDigests()
    other.start(site, _Views("markdown B"), same_lineage=False)  # type: ignore[arg-type]
    made = other.of(article)
    assert made != kept and len(made[0]) == len(made[1]) == 16
    # What the next build is given: this build's settings, and a digest for every article it planned.
    settings, digests = plans.card_digests()
    assert settings == "markdown B" and digests[(article.digest, False)] == made and len(digests) == len(site.articles)
