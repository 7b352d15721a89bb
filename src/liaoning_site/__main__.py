"""`python -m liaoning_site` and the `liaoning-site` command."""

import sys


def run() -> None:
    # The command imports Markdown, pypinyin and Jinja2 and parses its arguments before its own
    # handlers are in place; Ctrl-C during that second must not print a traceback either.
    try:
        from .cli import main

        code = main()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(code)


if __name__ == "__main__":
    run()
