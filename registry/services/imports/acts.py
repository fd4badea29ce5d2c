"""Columns that are not a site's own fields but have somewhere to go: a UNESCO inscription and a
protection act become a `Designation` of the new draft, in the row's transaction; a UNESCO id
and a Wikidata id are the site's fields.

A UNESCO inscription (`unesco_inscribed`, `unesco_criteria`) is a designation of scheme
`unesco` whose act date is the inscription date. A protection act (`act_scheme`, `act_number`,
`act_date`, `act_authority`, `act_criteria`) is one designation of any scheme; its scheme is
required once any of its columns has a value. A row gives at most one of each.

Dates: ISO 8601 (2003-07-03), the dotted day-first form of Kazakh and Russian documents
(03.07.2003), or a bare year (UNESCO's own list gives only the year of inscription), kept as
1 January of that year with a note on the row, so the officer knows the day is not known.
"""

import datetime
import re

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import Designation, HeritageSite
from registry.services.imports.report import Problem, Row

UNESCO_TARGETS = {
    "unesco_inscribed": gettext_lazy("UNESCO: date inscribed (creates a UNESCO designation)"),
    "unesco_criteria": gettext_lazy("UNESCO: criteria, e.g. (i)(iii)(iv)"),
}
ACT_TARGETS = {
    "act_scheme": gettext_lazy("Protection act: scheme (republican_list, local_list, unesco)"),
    "act_number": gettext_lazy("Protection act: number"),
    "act_date": gettext_lazy("Protection act: date"),
    "act_authority": gettext_lazy("Protection act: issuing authority"),
    "act_criteria": gettext_lazy("Protection act: criteria"),
}
# The site's own fields read here (exchange columns the importer did not read before).
TARGETS = {**UNESCO_TARGETS, **ACT_TARGETS}
# A designation's model field -> the column it came from, per kind of act.
UNESCO_FIELDS = {"act_date": "unesco_inscribed", "criteria": "unesco_criteria"}
ACT_FIELDS = {"scheme": "act_scheme", "act_number": "act_number", "act_date": "act_date",
              "authority": "act_authority", "criteria": "act_criteria"}  # fmt: skip
DATE_FIELDS = ("act_date",)
TRANSLATED = ("authority", "criteria")  # kk, ru and en fields (registry/translation.py)
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_date(raw: object) -> tuple[datetime.date, bool]:
    """(the date, whether only its year was given). ValueError says what is accepted."""
    if isinstance(raw, datetime.datetime):
        return raw.date(), False
    if isinstance(raw, datetime.date):
        return raw, False
    text = str(raw).strip()
    try:
        if re.fullmatch(r"\d{4}(\.0+)?", text):  # a year, as text or a spreadsheet's number
            return datetime.date(int(float(text)), 1, 1), True
        if match := _DOTTED.match(text):
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day), False
        return datetime.date.fromisoformat(text), False
    except ValueError:
        raise ValueError(_("must be a date: YYYY-MM-DD, DD.MM.YYYY or a year (YYYY).")) from None


def _given(values: dict, column: str) -> str:
    raw = values.get(column)
    return "" if raw is None else str(raw).strip()


def _act(row: Row, fields: dict[str, str]) -> tuple[dict | None, list[Problem]]:
    """One designation's values from the columns in `fields` (model field -> column)."""
    act, problems = {}, []
    for field, column in fields.items():
        raw = row.values.get(column)
        if not _given(row.values, column):
            continue
        if field in DATE_FIELDS:
            try:
                act[field], year_only = parse_date(raw)
            except ValueError as error:
                problems.append(Problem(row.number, column, str(error)))
                continue
            if year_only:
                row.notes.append(Problem(row.number, column, _(
                    "a year only: recorded as 1 January %(year)d."
                ) % {"year": act[field].year}))  # fmt: skip
        else:
            act[field] = _given(row.values, column)
    return act or None, problems


def row_acts(row: Row) -> tuple[list[dict], list[Problem]]:
    """The designations a row gives (model field values), and its problems."""
    acts, problems = [], []
    unesco, found = _act(row, UNESCO_FIELDS)
    problems += found
    if unesco:
        acts.append({"scheme": Designation.Scheme.UNESCO} | unesco)
    act, found = _act(row, ACT_FIELDS)
    problems += found
    if act:
        scheme = act.get("scheme", "").lower()
        if scheme not in Designation.Scheme.values:
            problems.append(Problem(row.number, "act_scheme", _(
                "must be one of %(schemes)s for the protection act of this row."
            ) % {"schemes": ", ".join(Designation.Scheme.values)}))  # fmt: skip
        elif unesco and scheme == Designation.Scheme.UNESCO:
            problems.append(Problem(row.number, "act_scheme", _(
                "the row already gives a UNESCO inscription: give it once."
            )))  # fmt: skip
        else:
            acts.append(act | {"scheme": scheme})
    return acts, problems


def language_of(text: str) -> str | None:
    """The language a text is written in, by its script (the rule of migration 0018 and of
    the column mapping's suggestions): Kazakh-only letters kk, other Cyrillic ru, Latin en."""
    if re.search("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]", text):
        return "kk"
    if re.search("[А-Яа-яЁё]", text):
        return "ru"
    return "en" if re.search("[A-Za-z]", text) else None


def _untranslated(name: str) -> str:
    base, _sep, lang = name.rpartition("_")
    return base if base in TRANSLATED and lang in ("kk", "ru", "en") else name


def designations_create(
    *, site: HeritageSite, acts: list[dict], by: AbstractBaseUser | None, reason: str
) -> list[Designation]:
    """The row's designations, checked as the model checks them; errors name the columns.
    Called inside the row's transaction, after `site_create`."""
    made = []
    for act in acts:
        act = dict(act)
        for name in TRANSLATED:  # into the column of its script, as migration 0018 did
            if name in act:
                value = act.pop(name)
                act[f"{name}_{language_of(value) or settings.LANGUAGE_CODE}"] = value
        designation = Designation(site=site, **act)
        try:
            designation.full_clean()
        except ValidationError as error:
            columns = UNESCO_FIELDS if act["scheme"] == Designation.Scheme.UNESCO else ACT_FIELDS
            raise ValidationError({
                columns.get(_untranslated(name), name): messages
                for name, messages in error.message_dict.items()
            }) from None  # fmt: skip
        designation._history_user = by
        designation._change_reason = reason
        designation.save()
        made.append(designation)
    return made
