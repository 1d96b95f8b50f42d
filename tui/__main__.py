"""`python -m tui` runs the same CLI as the `theme-tracker` console script."""

from tui.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
