"""`python -m liaoning_site` and the `liaoning-site` command."""

import sys


def run() -> None:
    # The command imports Markdown, pypinyin and Jinja2 first; Ctrl-C during that second must not
    # print a traceback either.
    try:
        from .cli import main
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(main())


if __name__ == "__main__":
    run()
