"""Entry of the packaged app: `pipeline-workbench [FILES]` opens the editor (`workbench.gui.app:main`);
`pipeline-workbench cli ARGS` is the `workbench` command line, so one folder ships both."""

import sys


def main() -> int:
    if sys.argv[1:2] == ["cli"]:
        from workbench.cli import main as cli_main

        return cli_main(sys.argv[2:])
    from workbench.gui.app import main as gui_main

    return gui_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
