"""The search document's fold in SQL (`mura_fold`, migration 0017) is `transliteration.fold`."""

import random

import pytest
from django.db import connection

from registry.text_search import fold_function_sql, search_key
from registry.transliteration import FOLD, fold

# Every letter of the Latin, Latin-1, Latin Extended-A and Cyrillic blocks (Kazakh's among
# them) in both cases, digits, punctuation and the apostrophes FOLD deletes.
BLOCKS = [(0x20, 0x7F), (0xA0, 0x180), (0x400, 0x530)]
ALPHABET = "".join(chr(c) for start, end in BLOCKS for c in range(start, end))
NAMES = [
    "Қожа Ахмет Ясауи кесенесі", "Mausoleum of Khoja Ahmed Yasawi", "ӘҒҚҢӨҰҮҺІ әғқңөұүһі",
    "Ақсу", "Aqsu", "Qazaqstan", "Qyzylorda", "Şymkent", "Öskemen", "Jaña Arqa", "Ä'lı", "Ъ ь Ё",
    "Sh'", "g'alym", "Tараз", "İle", "ЩУЧИНСК", "Ыбырай Алтынсарин", "Xantengri", "ŪLYTAU",
]  # fmt: skip


def sql_fold(texts: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mura_fold(t) FROM unnest(%s::text[]) WITH ORDINALITY u(t, i) ORDER BY i",
            [texts],
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_sql_fold_agrees_with_python_on_every_letter_and_many_names(db):
    rng = random.Random(17)
    samples = list(ALPHABET) + NAMES
    samples += ["".join(rng.choices(ALPHABET, k=rng.randint(1, 40))) for _ in range(2000)]

    assert sql_fold(samples) == [fold(text)[0] for text in samples]


def test_the_migrated_function_is_the_one_fold_generates(db):
    """A changed FOLD fails here until a migration re-creates mura_fold from
    `fold_function_sql()` (and folds every site's document again, migration 0024's trigger)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'mura_fold'")
        (source,) = cursor.fetchone()

    assert f"$${source}$$" in fold_function_sql()


def test_kazakh_russian_and_latin_spellings_fold_alike():
    assert {search_key(t) for t in ("Ақсу", "Аксу", "Aqsu", "Aksu", "AKSU")} == {"aksu"}
    assert search_key("  Қызыл   орда ") == "kizil orda"


@pytest.mark.parametrize("letter", sorted(k for k in FOLD if k.upper() != k))
def test_a_capital_letter_folds_as_its_small_one(letter):
    if len(letter.upper()) == 1:
        assert fold(letter.upper())[0] == fold(letter)[0]
