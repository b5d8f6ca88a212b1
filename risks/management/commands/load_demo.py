from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from riskregister import access
from riskregister.roles import ensure_roles
from risks.demo import load_register
from risks.models import Owner

DEMO_PASSWORD = "register-demo-2017"

# username -> (first name, last name, role group or None for the superuser, owner it acts as)
DEMO_ACCOUNTS = {
    "smt": ("Siobhan", "Peters", access.SMT_EDITOR, "Siobhan Peters"),
    "author": ("Gemma", "Deadman", access.REPORT_AUTHOR, None),
    "panel": ("Panel", "Member", access.PANEL_MEMBER, None),
    "admin": ("Site", "Administrator", None, None),
}


class Command(BaseCommand):
    help = "Load the September 2017 register and paper, and create the demo accounts. Safe to run twice."

    @transaction.atomic
    def handle(self, *args, **options):
        ensure_roles()
        users = {username: self._account(username, *details[:3]) for username, details in DEMO_ACCOUNTS.items()}
        loaded = load_register(user=users["admin"])
        self.stdout.write("Loaded the September 2017 register." if loaded else "The register was already loaded.")
        for extra_loader in self._extra_loaders():
            message = extra_loader(user=users["admin"])
            if message:
                self.stdout.write(message)
        for username, (*_, owner_name) in DEMO_ACCOUNTS.items():
            if owner_name:
                owner = Owner.objects.filter(name=owner_name, user__isnull=True).first()
                if owner is not None:
                    owner.user = users[username]
                    owner._history_user = users["admin"]
                    owner._change_reason = "Linked to the demo account"
                    owner.save()
        self.stdout.write(self.style.SUCCESS(self.accounts_text()))

    def _extra_loaders(self):
        """Loaders other apps add to the demo (the paper, for instance)."""
        try:
            from reports.demo import load_demo_papers
        except ImportError:
            return []
        from rounds.demo import load_demo_rounds

        return [load_demo_papers, load_demo_rounds]

    @staticmethod
    def _account(username, first_name, last_name, role):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first_name, "last_name": last_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if role is None:
                user.is_staff = user.is_superuser = True
            user.save()
        if role is not None:
            user.groups.add(Group.objects.get(name=role))
        return user

    @staticmethod
    def accounts_text():
        lines = ["Demo accounts (password for each: %s):" % DEMO_PASSWORD]
        for username, (_, _, role, _) in DEMO_ACCOUNTS.items():
            lines.append(f"  {username:<7} {role or 'Administrator (superuser)'}")
        return "\n".join(lines)
