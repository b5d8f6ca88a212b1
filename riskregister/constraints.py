"""Check constraints that a form or a service validates in Python, not in the database.

Django validates a CheckConstraint by asking the database (`SELECT 1 WHERE ...`; on
PostgreSQL inside a savepoint: three statements each). A risk has a dozen such
constraints and an edit page's save validates them twice (the form, then the
service's full_clean), so checking them was half of the save's queries. The
conditions used here are simple (comparisons of fields with constants or other
fields, joined by AND, OR and NOT), so `Check.validate` evaluates them on the
instance's values with the database's three-valued logic (a comparison with NULL
is unknown, and an unknown condition passes, as in SQL); anything else it is not
sure of goes to the database as before. The database still enforces every
constraint on write: this only decides what a form says before it.
"""

import operator

from django.core.exceptions import FieldError, ValidationError
from django.db import models
from django.db.models import F, Q, Value

COMPARISONS = {
    "exact": operator.eq, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
}


class NotInPython(Exception):
    """The condition needs the database to judge it."""


def _known(expression):
    """The Python value, and its field, of an annotation from Model._get_field_expression_map."""
    if not isinstance(expression, Value):
        raise NotInPython
    try:
        field = expression._output_field_or_none
    except FieldError:
        raise NotInPython from None
    value = expression.value
    if value is None or field is None:
        return value, field
    try:
        return field.to_python(value), field
    except (ValidationError, TypeError, ValueError):
        raise NotInPython from None


def _operand(value, against, field):
    if isinstance(value, F):
        if value.name not in against:
            raise NotInPython
        return _known(against[value.name])[0]
    if hasattr(value, "resolve_expression"):
        raise NotInPython
    if value is None or field is None:
        return value
    try:
        if isinstance(value, (list, tuple, set, frozenset)):
            return [field.to_python(item) for item in value]
        return field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        raise NotInPython from None


def _comparison(lookup_path, right, against):
    parts = lookup_path.split("__")
    if len(parts) > 2:
        raise NotInPython
    name, lookup = parts[0], parts[1] if len(parts) == 2 else "exact"
    if name not in against:
        raise NotInPython
    left, field = _known(against[name])
    if lookup == "isnull":
        if not isinstance(right, bool):
            raise NotInPython
        return (left is None) == right
    right = _operand(right, against, field)
    if left is None or right is None:
        return None
    try:
        if lookup == "in":
            if any(item is None for item in right):
                raise NotInPython
            return left in right
        if lookup in COMPARISONS:
            return COMPARISONS[lookup](left, right)
    except TypeError:
        raise NotInPython from None
    raise NotInPython


def truth(condition, against):
    """True, False or None (unknown) for a Q condition against the instance's values."""
    if isinstance(condition, tuple):
        return _comparison(*condition, against)
    if not isinstance(condition, Q):
        raise NotInPython
    results = [truth(child, against) for child in condition.children]
    if condition.connector == Q.AND:
        result = False if False in results else (None if None in results else True)
    elif condition.connector == Q.OR:
        result = True if True in results else (None if None in results else False)
    else:
        raise NotInPython
    if condition.negated and result is not None:
        result = not result
    return result


class Check(models.CheckConstraint):
    """A CheckConstraint validated in Python where its condition allows (see the module's docstring).
    Migrations record it as a plain CheckConstraint: the database's constraint is the same."""

    def validate(self, model, instance, exclude=None, using=models.constraints.DEFAULT_DB_ALIAS):
        if exclude and self._expression_refs_exclude(model, self.condition, exclude):
            return
        against = instance._get_field_expression_map(meta=model._meta, exclude=exclude)
        try:
            result = truth(self.condition, against)
        except NotInPython:
            return super().validate(model, instance, exclude=exclude, using=using)
        if result is False:
            raise ValidationError(self.get_violation_error_message(), code=self.violation_error_code)

    def deconstruct(self):
        _, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs
