"""Persistence: models, migrations and the services that own transactions.

Nothing here knows Telegram exists. Services commit; repositories never do.
"""
