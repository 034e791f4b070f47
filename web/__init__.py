"""The dashboard: a web page served by the bot's own process (issue 13). Beside `bot/`, over
the same services in `storage/`; it knows nothing of Telegram's library — the bot hands it
what it needs (labels, the workbook builder, file downloads, the webhook's update queue)."""
