"""The ``psoas`` command's entry point, also run by ``python -m psoas_cli``.

``psoas --version`` is answered here, before Typer and the command tree are imported:
for that call start-up is the whole cost.
"""

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from psoas_cli import __version__

        sys.stdout.write(f"psoas {__version__}\n")
        return
    from psoas_cli.cli import main as run

    run()


if __name__ == "__main__":
    main()
