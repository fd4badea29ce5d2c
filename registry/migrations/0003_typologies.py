"""The starting typology vocabulary (administrators extend it in the admin)."""

from django.db import migrations

TYPOLOGIES = [
    # code, kk, ru, en
    ("mausoleum", "Кесене", "Мавзолей", "Mausoleum"),
    ("kurgan", "Қорған (оба)", "Курган", "Kurgan"),
    ("petroglyphs", "Петроглифтер", "Петроглифы", "Petroglyphs"),
    ("settlement", "Қалашық", "Городище", "Settlement"),
    ("fortress", "Бекініс", "Крепость", "Fortress"),
    ("mosque", "Мешіт", "Мечеть", "Mosque"),
    ("underground_mosque", "Жерасты мешіті", "Подземная мечеть", "Underground mosque"),
    ("caravanserai", "Керуен сарай", "Караван-сарай", "Caravanserai"),
    ("necropolis", "Қорым", "Некрополь", "Necropolis"),
    ("building", "Ғимарат", "Здание", "Building"),
    ("monument", "Ескерткіш", "Памятник", "Monument"),
    ("memorial", "Мемориал", "Мемориал", "Memorial"),
    ("museum", "Мұражай", "Музей", "Museum"),
    ("natural_landscape", "Табиғи ландшафт", "Природный ландшафт", "Natural landscape"),
    ("cave", "Үңгір", "Пещера", "Cave"),
    ("religious_building", "Діни ғимарат", "Культовое сооружение", "Religious building"),
]


def add(apps, schema_editor):
    Typology = apps.get_model("registry", "Typology")
    for code, kk, ru, en in TYPOLOGIES:
        Typology.objects.update_or_create(
            code=code, defaults={"name": kk, "name_kk": kk, "name_ru": ru, "name_en": en}
        )


def remove(apps, schema_editor):
    codes = [row[0] for row in TYPOLOGIES]
    apps.get_model("registry", "Typology").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_public_site_view")]

    operations = [migrations.RunPython(add, remove)]
