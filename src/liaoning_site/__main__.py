"""`python -m liaoning_site` and the `liaoning-site` command."""

import os
import sys


def run() -> None:
    # The command imports Markdown, pypinyin and Jinja2 and parses its arguments before its own
    # handlers are in place; Ctrl-C during that second must not print a traceback either.
    try:
        from .cli import main
        from .heap import exit_follows

        exit_follows()
        code = main()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    # Everything is written and every worker has ended. Python's own exit would walk and free the
    # build's million objects one by one (a third of a second at 10,000 articles): skip it.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # a closed pipe (`| head`): nothing more can be said
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
