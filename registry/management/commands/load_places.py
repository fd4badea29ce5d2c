from django.core.management.base import BaseCommand

from registry.services.places import places_load


class Command(BaseCommand):
    help = "Load (or update) named places from registry/data/kz-places-osm.geojson (ODbL)."

    def handle(self, *args, **options):
        self.stdout.write(f"{places_load()} places loaded.")
