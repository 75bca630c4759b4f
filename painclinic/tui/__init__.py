"""The Textual clinic app: app.py (the App and its factory), commands (palette), messages,
styles/, screens/, dialogs/ and widgets/ (one widget per file).

Only this package imports textual."""
