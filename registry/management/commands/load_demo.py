from django.core.management.base import BaseCommand

from registry.models import AdminArea, PublicSite
from registry.services.demo import DEMO_ACCOUNTS, demo_accounts_ensure, demo_sites_load
from registry.services.regions import regions_load


class Command(BaseCommand):
    help = "Load regions, demo accounts and the demo sites (skips what is already there)."

    def handle(self, *args, **options):
        if not AdminArea.objects.exists():
            regions, districts = regions_load()
            self.stdout.write(f"{regions} regions and {districts} districts loaded.")
        users = demo_accounts_ensure()
        created = demo_sites_load(officer=users["officer"], reviewer=users["reviewer"])
        self.stdout.write(
            f"{created} demo sites added; {PublicSite.objects.count()} sites are published."
        )
        self.stdout.write("Demo accounts (local demo only):")
        for username, password, _ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<9} {password}")
