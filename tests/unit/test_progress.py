"""Progress: a status line on a terminal, nothing in CI or when the output is not a terminal."""

from __future__ import annotations

import io

from liaoning_site.progress import Progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_shows_stages_on_a_terminal(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    stream = FakeTerminal()
    progress = Progress(stream)
    progress.stage("reading content/")
    progress.done()
    assert "reading content/" in stream.getvalue() and stream.getvalue().endswith("\r\033[K")


def test_quiet_in_ci_and_when_piped(monkeypatch) -> None:
    monkeypatch.setenv("CI", "true")
    terminal = FakeTerminal()
    Progress(terminal).stage("x")
    monkeypatch.delenv("CI")
    piped = io.StringIO()
    Progress(piped).stage("x")
    assert terminal.getvalue() == "" and piped.getvalue() == ""
