"""Privacy requests from the shell: `comment_data export EMAIL` / `comment_data erase EMAIL`."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email

from comments import privacy


class Command(BaseCommand):
    help = (
        "Export (as JSON on standard output) or erase everything stored about the comments of "
        "one email address. Erasing keeps the threads' shape: the comments read “[deleted]”."
    )

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["export", "erase"])
        parser.add_argument("email")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Erase without asking for confirmation.",
        )

    def handle(self, *args, operation, email, interactive=True, **options):
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"“{email}” is not an email address.") from exc

        if operation == "export":
            data = privacy.export_email(email)
            self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
            return

        found = len(privacy.export_email(email)["comments"])
        if interactive:
            answer = input(
                f"Erase {found} comment(s) and every subscription of {email}? "
                "This cannot be undone. Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Erasure cancelled.")
        result = privacy.erase_email(email)
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased {result['comments']} comment(s), {result['subscriptions']} "
                f"subscription(s) and {result['verified_emails']} verified address(es) "
                f"of {email}."
            )
        )
