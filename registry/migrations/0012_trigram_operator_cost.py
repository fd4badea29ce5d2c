"""Tell the planner what a trigram match costs.

pg_trgm declares `%>` (word_similarity_commutator_op) as cheap as `=`, so for a word matching a
few hundred of 100k sites the planner scanned the whole table and ran it on every row (about
1 s for "Taraz"), or walked the registry-number index doing the same, instead of letting the
GIN trigram indexes find the matches (about 50 ms). Only the owner of the function may change
it (the role that created the extension); without that right this step changes nothing and
says so, and search still works, only slower.
"""

from django.db import migrations


def _cost(cost: int) -> str:
    return f"""
DO $$
BEGIN
    ALTER FUNCTION word_similarity_commutator_op(text, text) COST {cost};
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'not the owner of pg_trgm: word_similarity_commutator_op keeps its cost';
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0011_load_regions")]

    operations = [migrations.RunSQL(_cost(100), reverse_sql=_cost(1))]
