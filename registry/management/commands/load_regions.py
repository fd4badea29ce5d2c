from django.core.management.base import BaseCommand

from registry.services.regions import regions_load


class Command(BaseCommand):
    help = "Load (or update) Kazakhstan's regions and districts from registry/data/."

    def handle(self, *args, **options):
        regions, districts = regions_load()
        self.stdout.write(f"{regions} regions and {districts} districts loaded.")
