"""The columns the importer accepts, and the short names other formats give them."""

TEXT_COLUMNS = ["name_kk", "name_ru", "name_en", "description_kk", "description_ru"]
TEXT_COLUMNS += ["description_en", "category", "significance", "period", "condition"]
TEXT_COLUMNS += ["sensitivity", "dating_note"]
YEAR_COLUMNS = ["date_from", "date_to"]
GEOMETRY_COLUMNS = {"lon", "lat", "wkt", "srid"}
NAME_COLUMNS = ("name_kk", "name_ru", "name_en")
# Shapefile (DBF) names are at most 10 characters.
ALIASES = {"significan": "significance", "sensitivit": "sensitivity", "dating_not": "dating_note"}
ALIASES |= {f"desc_{lang}": f"description_{lang}" for lang in ("kk", "ru", "en")}
KNOWN_COLUMNS = {*TEXT_COLUMNS, *YEAR_COLUMNS, "typology", *GEOMETRY_COLUMNS}
