"""Text search: one script-free search document per site, found nearest-first (docs/search.md).

A site's document is its kk, ru and en names folded to one Latin skeleton (`mura_fold`, an SQL
function generated from `registry.transliteration.FOLD`): "Тараз", "Taraz" and "Taraz" typed
with a typo all meet in "taraz". It is a column the database keeps (`search_document`, by
triggers since migration 0024: `DocumentField`), so every write path gets it and a row's
check reads it instead of folding again, and a GiST trigram index
(`site_search_document_gist`) serves both the match (`%>`: trigram word similarity of the
query within the document above `WORD_SIMILARITY`) and the order (`<->>`, nearest first), so
a search reads its page and stops.

Descriptions are not in the document: a description match would need an OR, which no single
index scan serves. They are matched as before (each description column, the query as typed and
in the other script, GIN trigram indexes) and follow every name match (`sites_filter`).
"""

import re

from django.conf import settings
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.lookups import Exact, LessThanOrEqual, StartsWith

from registry.transliteration import FOLD, fold, search_variants

NAME_COLUMNS = ("name_kk", "name_ru", "name_en")
PLACE_NAME_COLUMNS = ("name", "name_kk", "name_ru", "name_en")
DESCRIPTION_COLUMNS = ("description_kk", "description_ru", "description_en")
DOCUMENT = "search_document"
# word_similarity above which a text matches (pg_trgm's default, 0.6, misses one-letter typos
# in short names): set at connection (settings.MURA_WORD_SIMILARITY), read here for checks.
WORD_SIMILARITY = settings.MURA_WORD_SIMILARITY


def fold_function_sql() -> str:
    """`CREATE FUNCTION mura_fold(text)`: `transliteration.fold(text)[0]` in SQL.

    The letters FOLD turns into two or more (ж -> zh) are nested `replace`s, the rest one
    `translate` (deleting the apostrophes). Lower-casing is the database's `lower()`, which
    agrees with Python's for every letter FOLD knows under a Unicode ctype (Mura's clusters are
    C.UTF-8; tests/registry/test_text_search.py checks a wide sample). Migrations keep the text
    this returned when they ran: a changed FOLD needs a migration that re-creates the function
    and folds the documents again (`UPDATE ... SET search_document = NULL`: the trigger of
    migration 0024 folds it), which the same test asks for.
    """
    multi = {k: v for k, v in FOLD.items() if len(v) > 1}
    single = {k: v for k, v in FOLD.items() if len(v) == 1 and k != v}
    deleted = [k for k, v in FOLD.items() if v == ""]
    expression = "lower($1)"
    for k, v in multi.items():
        expression = f"replace({expression}, '{k}', '{v}')"
    source = "".join(single) + "".join(d.replace("'", "''") for d in deleted)
    target = "".join(single.values())
    return (
        "CREATE FUNCTION mura_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
        f"STRICT AS $$ SELECT translate({expression}, '{source}', '{target}') $$"
    )


class SearchDocument(Func):
    """The generated column's expression: the folded names, one space between (a missing name
    is empty)."""

    template = "mura_fold(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = TextField()
    columns = NAME_COLUMNS

    def __init__(self):
        names = (Func(F(c), template="coalesce(%(expressions)s, '')") for c in self.columns)
        super().__init__(*names)


class DocumentField(models.TextField):
    """`HeritageSite.search_document`: a plain column that triggers keep (migration 0024): on
    INSERT when the row brings none (NULL), on UPDATE when a name or the document itself
    changed, so no write path (services, admin, imports, bulk or raw SQL) can leave it apart
    from the names, and a raw UPDATE that sets it is folded again. A generated column did the
    same but could not be given: the generator (registry/services/generate.py) folds each
    distinct name once and gives the documents, which the INSERT trigger's WHEN then passes
    without a function call per row. Django writes
    NULL on every save (the triggers fold it) and reads the result back with RETURNING, as it
    did for the generated column; a save limited by `update_fields` to other fields leaves it
    (the triggers still fold it when a name is among them, without the instance seeing it)."""

    db_returning = True

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("null", True)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        return None if add else Value(None, output_field=TextField())


class PlaceDocument(SearchDocument):
    """`Place.search_document`: the local name and the kk, ru and en ones, folded alike."""

    columns = PLACE_NAME_COLUMNS


def search_key(text: str) -> str:
    """What a query is looked up by: its skeleton's words (runs of letters and digits, as
    pg_trgm reads them), as the documents are folded."""
    return " ".join(word for word in re.split(r"[\W_]+", fold(text)[0]) if word)


class Corrected(Func):
    """`mura_search_key(key)` (migration 0017), once per statement: each word of the key that
    no published name holds, read as the nearest word one does (`SearchWord`: trigram word
    similarity of the typed word within it at WORD_SIMILARITY or more; the most similar, then
    the fewest edits away). "tarz" becomes "taraz", which names hold whole: the KNN scan then
    finds its first rows at once instead of searching the index for the best partial ones.

    Only for the public door: the words are published names', so a member of staff looking
    for a draft by its own name (which no published name may hold) searches by the key as
    typed (slower for a typo, the same matches)."""

    template = "(SELECT mura_search_key(%(expressions)s))"
    output_field = TextField()


def key_expression(text: str, *, public: bool) -> Func | Value:
    key = search_key(text)
    return Corrected(Value(key)) if public else Value(key)


class Matches(Func):
    """`search_document %> key`: the key's trigrams are within a word of the document at
    WORD_SIMILARITY or more (the threshold each connection sets, heritage/settings.py)."""

    arg_joiner = " %%> "  # `%` doubled: the statement has parameters
    template = "%(expressions)s"
    output_field = BooleanField()
    conditional = True

    def __init__(self, key: Func | Value):
        super().__init__(F(DOCUMENT), key)


class Rank(Func):
    """`search_document <->> key`: 1 - word similarity, 0 where the key is a whole word of a
    name. The GiST index returns rows in this order (KNN) and stops at the page's end."""

    arg_joiner = " <->> "
    template = "%(expressions)s"
    output_field = FloatField()

    def __init__(self, key: Func | Value):
        super().__init__(F(DOCUMENT), key)


def description_match(text: str) -> Q:
    """A description matches: the query as typed or in the other script, in any language
    (each column's GIN trigram index)."""
    condition = Q()
    for variant in search_variants(text):
        for column in DESCRIPTION_COLUMNS:
            condition |= Q(**{f"{column}__trigram_word_similar": variant})
    return condition


def text_match(text: str, *, public: bool) -> Q:
    """A name or a description matches: every site a text search finds."""
    return Q(Matches(key_expression(text, public=public))) | description_match(text)


def names_nearest(sites: QuerySet, text: str, *, public: bool) -> QuerySet:
    """Sites whose names match the key, best first: one KNN scan of the document index that
    reads the page and stops. Among equal ranks (every name holding the word whole ranks 0),
    the order is the index's: the same on every page while the register does not change, but
    no other key; a second sort key would make PostgreSQL fetch and sort every match
    (docs/search.md)."""
    key = key_expression(text, public=public)
    return sites.filter(Matches(key)).order_by(Rank(key))


def descriptions_only(sites: QuerySet, text: str, *, public: bool) -> QuerySet:
    """Sites found by a description and not by their names: what follows the name matches."""
    names = Matches(key_expression(text, public=public))
    return sites.filter(description_match(text)).exclude(names)


class Folded(Func):
    """One name as its skeleton (`mura_fold`), for the few places a search matched."""

    template = "mura_fold(coalesce(%(expressions)s, ''))"
    output_field = TextField()


def places_nearest(places: QuerySet, text: str) -> QuerySet:
    """Places whose names match `text` as the sites' do (the same skeleton and threshold, so a
    typo or the other script still finds them), annotated with `closeness`: 0 when a name is
    the key, 1 when one starts with it, 2 when one is a typo of it (one edit away for keys
    of five to seven letters, two from eight: "Turkestn", "Алмты"), else 3. Best first: by
    closeness, then by population (the city before the village of the same name), then
    similarity.

    The key is not corrected to published site words (`Corrected`): a place name need not be
    one, and places are reference data that owe nothing to the register. Places are a few
    thousand (OSM's settlements): the matches (`%>`, the document's GiST index) are sorted,
    each name folded for them alone."""
    key = search_key(text)
    exact, prefix, typo = [], [], []
    for column in PLACE_NAME_COLUMNS:
        name = Folded(F(column))
        exact.append(Exact(name, key))
        prefix.append(StartsWith(name, key))
        if len(key) >= 5:
            distance = Func(name, Value(key), function="levenshtein", output_field=IntegerField())
            typo.append(LessThanOrEqual(distance, 1 if len(key) < 8 else 2))
    closeness = Case(
        When(_any(exact), then=Value(0)),
        When(_any(prefix), then=Value(1)),
        *([When(_any(typo), then=Value(2))] if typo else []),
        default=Value(3),
        output_field=IntegerField(),
    )
    return (
        places.filter(Matches(Value(key)))
        .annotate(closeness=closeness)
        .order_by("closeness", F("population").desc(nulls_last=True), Rank(Value(key)), "pk")
    )


def _any(conditions: list) -> Q:
    combined = Q()
    for condition in conditions:
        combined |= Q(condition)
    return combined
