"""`python -m tui` runs the same CLI as the `theme-tracker` console script."""

from tui.cli import run

if __name__ == "__main__":
    run()
