"""Check constraints reported on the field an officer fixes, in the officer's language.

A `CheckConstraint`'s violation is a non-field error ("Constraint “x” is violated.") unless
told otherwise. Each constraint an officer can break carries a translated
`violation_error_message` and a `violation_error_code`; `FieldConstraints` moves a violation
with a known code onto its field, so a form shows it beside that field's input.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class FieldConstraints:
    """Model mixin: `constraint_fields` maps a violation_error_code to the field it concerns."""

    constraint_fields: dict[str, str] = {}

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as refused:
            raise ValidationError(on_fields(refused, self.constraint_fields)) from None


def on_fields(refused: ValidationError, fields: dict[str, str]) -> dict:
    """`refused`'s errors by field, those of a mapped code moved from NON_FIELD_ERRORS."""
    errors = {name: list(found) for name, found in refused.error_dict.items()}
    kept = []
    for error in errors.pop(NON_FIELD_ERRORS, []):
        field = fields.get(error.code)
        if field:
            errors.setdefault(field, []).append(error)
        else:
            kept.append(error)
    if kept:
        errors[NON_FIELD_ERRORS] = kept
    return errors
