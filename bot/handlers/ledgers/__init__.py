"""The studio's ledgers in chat (Art. 11): /project, /achievement, /activity, /member, /funds,
/ledger to list and delete, and the union's acknowledgement of projects and achievements.

Each ledger is one spec (spec.py: its fields, their widgets, labels, editability, list line
and export columns), from which the forms, summaries, edits and list are generated; its
buttons are typed codecs (buttons.py). One module per job: adding (the forms), editing,
acknowledging, listing, exporting."""

from bot.handlers.ledgers.ack import ack_button
from bot.handlers.ledgers.add import FORMS, command
from bot.handlers.ledgers.edit import edit_button
from bot.handlers.ledgers.export import export_button, export_command, export_page_button
from bot.handlers.ledgers.listing import (
    delete_button,
    delete_confirmed,
    deleted_button,
    deleted_page_button,
    entries_page_button,
    ledger_button,
    ledger_command,
    replace_files_button,
    restore_button,
    studios_button,
)
from bot.handlers.ledgers.permissions import panel_page_button, permission_button

__all__ = [
    "FORMS",
    "ack_button",
    "command",
    "delete_button",
    "delete_confirmed",
    "deleted_button",
    "deleted_page_button",
    "edit_button",
    "entries_page_button",
    "export_button",
    "export_command",
    "export_page_button",
    "ledger_button",
    "ledger_command",
    "panel_page_button",
    "permission_button",
    "replace_files_button",
    "restore_button",
    "studios_button",
]
