"""Headless view models and their loaders: what a screen or a report shows, computed from the
store and the analytics without Textual. Widgets draw these; a loader opens a Store of the
calling thread's own, so call it in a worker thread."""
