"""The Textual clinic app: screens (thin coordinators) and widgets (one per file)."""
