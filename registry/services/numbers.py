"""Registry numbers and draft references (DESIGN §4, "Identifiers reveal nothing").

The permanent registry number (KZ-0000123) is national and given when a site is first
published, in the publish transaction, from one counter: the public sequence has no gaps from
drafts, submissions or rejected work, and no region code says where the exact point lies.
Before that, staff name a site by its draft reference (D-0000123), from a counter of its own,
given at creation; it never leaves the staff side, since its sequence counts unpublished work.
Both counters only grow, so a number is never given twice, even after a deletion.
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F

from registry.models import HeritageSite, RegistrySequence

NATIONAL = "KZ"  # RegistrySequence.prefix of registry numbers
DRAFT = "D"  # ... and of draft references
DIGITS = 7
LAST_NUMBER = 10**DIGITS - 1


def _formatted(prefix: str, value: int) -> str:
    return f"{prefix}-{value:0{DIGITS}d}"


def _reserve(prefix: str, count: int, field: str) -> range:
    """`count` new values of the counter `prefix`, locked until the caller's transaction ends
    (concurrent publications queue here, so numbers follow the order of commits)."""
    RegistrySequence.objects.get_or_create(prefix=prefix)
    sequence = RegistrySequence.objects.select_for_update().get(prefix=prefix)
    first = sequence.last_value + 1
    if first + count - 1 > LAST_NUMBER:
        raise ValidationError(
            {
                field: f"the registry has run out of {field.replace('_', ' ')}s: "
                f"{sequence.last_value:,} of {LAST_NUMBER:,} are given ({DIGITS} digits)."
            }
        )
    sequence.last_value = F("last_value") + count
    sequence.save(update_fields=["last_value"])
    return range(first, first + count)


@transaction.atomic
def registry_number_next() -> str:
    """The next national registry number: call it only inside the publish transaction."""
    (value,) = _reserve(NATIONAL, 1, "registry_number")
    return _formatted(NATIONAL, value)


@transaction.atomic
def draft_references_reserve(*, count: int = 1) -> list[str]:
    return [_formatted(DRAFT, n) for n in _reserve(DRAFT, count, "draft_reference")]


def registry_numbers_renumber(
    *, sites=HeritageSite, sequences=RegistrySequence, history=HeritageSite.history.model
) -> None:
    """The move from per-region numbers (KZ-YUZ-000001, given at creation) to national ones.

    Every site keeps its old number as `former_number` and gets a draft reference (by id);
    published sites get national numbers in the order they were published (published_at, id);
    every other site (draft, in review, withdrawn) has none until it is published. The two
    counters are set to what was given, and the per-region counters go. History rows take
    their site's new identifiers (a deleted site's keep the old number as former_number).
    Used by migration 0013 (with its historical models) and by its test (with the real ones).
    """
    table, history_table = sites._meta.db_table, history._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} s SET
                former_number = coalesce(s.former_number, s.registry_number),
                registry_number = CASE WHEN s.status = 'published'
                    THEN %(national)s || '-' || lpad(o.published_rank::text, %(digits)s, '0')
                    END,
                draft_reference = %(draft)s || '-' || lpad(o.rank::text, %(digits)s, '0')
            FROM (
                SELECT id, row_number() OVER (ORDER BY id) AS rank,
                       row_number() OVER (
                           PARTITION BY status = 'published' ORDER BY published_at, id
                       ) AS published_rank
                FROM {table}
            ) o
            WHERE s.id = o.id
            """,
            {"national": NATIONAL, "draft": DRAFT, "digits": DIGITS},
        )
        cursor.execute(
            f"""
            UPDATE {history_table} h SET
                former_number = coalesce(s.former_number, h.former_number, h.registry_number),
                registry_number = s.registry_number,
                draft_reference = coalesce(s.draft_reference, '')
            FROM {history_table} h2 LEFT JOIN {table} s ON s.id = h2.id
            WHERE h.history_id = h2.history_id
            """
        )
    published = sites.objects.filter(status="published").count()
    sequences.objects.all().delete()
    sequences.objects.bulk_create(
        [
            sequences(prefix=NATIONAL, last_value=published),
            sequences(prefix=DRAFT, last_value=sites.objects.count()),
        ]
    )
