"""theme-tracker: a terminal tracker for A-share theme stocks and their catalysts."""

__version__ = "0.1.0"
