"""The labels a CSV export writes beside its codes (registry/exchange.py `LABELLED`), in the
active language: the model's choices, typologies' and administrative areas' names."""

from django.core.exceptions import FieldDoesNotExist

from registry.models import AdminArea, HeritageSite, Typology


def code_labels(names: list[str]) -> dict[str, dict[str, str]]:
    """{column: {code: label}} for each name given, in the active language (read now: a
    streamed response is sent after the request's language is switched off)."""
    labels = {}
    for name in names:
        if name == "typology":
            labels[name] = {t.code: t.name for t in Typology.objects.all()}
        elif name in ("region", "district"):
            level = AdminArea.Level.REGION if name == "region" else AdminArea.Level.DISTRICT
            areas = AdminArea.objects.filter(level=level).defer("geom")
            labels[name] = {a.code: a.name for a in areas}
        else:
            try:
                field = HeritageSite._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            labels[name] = {str(value): str(label) for value, label in field.choices or ()}
    return labels
