"""Modal dialogs: each a `ModalScreen[T]` that dismisses with its value.

Their styles are in one file, ../styles/dialogs.tcss."""
