"""Send every review-round reminder due now, in-process (for cron and checks).

With --loop it keeps running, once every --interval seconds, and stops cleanly on
SIGTERM or Ctrl-C between runs (healthchecks' sendreports shape).
"""

import signal
import time

from django.core.management.base import BaseCommand

from rounds.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Send the review-round reminders that are due; prints how many emails were sent."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running until stopped.")
        parser.add_argument("--interval", type=int, default=3600, help="Seconds between runs with --loop.")

    def handle(self, *args, loop, interval, **options):
        self.stopping = False
        if not loop:
            self.run_once()
            return
        signal.signal(signal.SIGTERM, self.stop)
        try:
            while not self.stopping:
                self.run_once()
                for _ in range(max(interval, 1)):
                    if self.stopping:
                        break
                    time.sleep(1)
        except KeyboardInterrupt:
            pass

    def stop(self, *args):
        self.stopping = True

    def run_once(self):
        sent = send_due_reminders()
        self.stdout.write(f"Sent {sent} reminder email{'' if sent == 1 else 's'}.")
