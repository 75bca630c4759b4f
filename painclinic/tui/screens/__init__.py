"""The app's screens: thin coordinators over the session and the widgets."""
