"""Headless view models and loaders: what a screen shows, computed without Textual."""
