"""Resident practice: the case list, the reveal-as-you-ask visit, the score."""
