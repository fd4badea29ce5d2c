from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registry"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save, pre_save

        from heritage.gdal_offline import gdal_network_off
        from registry import roles  # noqa: F401 (registers the permission rules)
        from registry.codes import codes_forget
        from registry.models import AdminArea, Designation, SitePhoto, Typology
        from registry.search import trigram_cost_set
        from registry.storage import stored_files_delete, stored_files_replace

        for model in (SitePhoto, Designation):  # files are not rows: see registry/storage.py
            uid = f"stored-files-{model.__name__}"
            post_delete.connect(stored_files_delete, sender=model, dispatch_uid=uid)
            pre_save.connect(stored_files_replace, sender=model, dispatch_uid=uid)
        gdal_network_off()  # GeoDjango's GDAL; the importer adds pyogrio's when it loads it
        post_migrate.connect(trigram_cost_set, sender=self, dispatch_uid="trigram-cost")
        for model in (AdminArea, Typology):  # codes filters name (registry/codes.py)
            uid = f"codes-forget-{model.__name__}"
            post_save.connect(codes_forget, sender=model, dispatch_uid=uid)
            post_delete.connect(codes_forget, sender=model, dispatch_uid=uid)
        post_migrate.connect(codes_forget, sender=self, dispatch_uid="codes-forget")
