"""Keeping text search's list of words (`SearchWord`, registry/text_search.py) current.

`search_words_add` runs in the transaction of every write that can change what the public sees
(beside `map_counts_refresh`): the words of the given sites' documents, if they are published,
join the list. `search_words_rebuild` adds every published site's (after a bulk load, or in a
migration). Words come from the public view only, so no draft's name ever reaches the list.
"""

from collections.abc import Iterable

from django.db import connection

# Words as pg_trgm sees them (runs of letters and digits), with a letter, of two or more
# characters: a number in a name is matched as typed, never corrected to another.
WORDS_SQL = """
INSERT INTO registry_searchword (word)
SELECT DISTINCT w
FROM registry_public_site s, regexp_split_to_table(s.search_document, '[^[:alnum:]]+') w
WHERE {where} w ~ '[[:alpha:]]' AND length(w) > 1
ORDER BY 1
ON CONFLICT (word) DO NOTHING
"""


def search_words_add(*, site_ids: Iterable[int]) -> None:
    """The words of these sites, those published, join the list (in key order: concurrent
    writers lock shared words in the same order)."""
    with connection.cursor() as cursor:
        cursor.execute(WORDS_SQL.format(where="s.id = ANY(%s) AND"), [list(site_ids)])


def search_words_rebuild() -> None:
    with connection.cursor() as cursor:
        cursor.execute(WORDS_SQL.format(where=""))
