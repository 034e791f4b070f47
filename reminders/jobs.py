"""Registering the reminder jobs on PTB's JobQueue (APScheduler underneath).

Jobs hold no state of their own: every run re-plans from the database, so a restart loses
nothing, and the reminder log makes a second run (or a second instance) send nothing twice.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from telegram.ext import CallbackContext, JobQueue

from reminders.service import ReminderService

RETRY_EVERY_SECONDS = 60


def register(job_queue: JobQueue[Any], service: ReminderService) -> None:
    async def daily(context: CallbackContext[Any, Any, Any, Any]) -> None:
        await service.run_due(context.bot)

    async def retry(context: CallbackContext[Any, Any, Any, Any]) -> None:
        await service.retry(context.bot)

    for job in job_queue.jobs():
        if job.name and job.name.startswith("reminders:"):
            job.schedule_removal()
    at = time(service.schedule.hour, tzinfo=service.schedule.tz)
    job_queue.run_daily(daily, at, name="reminders:daily")
    # Catch-up: whatever fell due while the bot was down goes out shortly after start-up.
    job_queue.run_once(daily, 5, name="reminders:catch-up")
    job_queue.run_repeating(retry, RETRY_EVERY_SECONDS, first=30, name="reminders:retry")
