"""Widgets of the clinic app, one per file. They receive data as attributes and post messages."""
