"""Reminders: what is due, and the jobs that send it (Art. 6, Art. 17)."""
