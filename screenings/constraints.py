"""The room-overlap rule as a database constraint, declared on the model.

``RoomOverlapConstraint`` is declared in ``Screening.Meta.constraints`` with
``condition=Q(status__in=ROOM_BLOCKING_STATUSES)``: the migration state carries the statuses, so
a change of ``ROOM_BLOCKING_STATUSES`` makes ``makemigrations`` write the migration that replaces
the constraint (and ``makemigrations --check`` fails until it exists). On PostgreSQL it is an
exclusion constraint; other databases have none, so there it writes no SQL and the rule is
``Screening.check_room_is_free``, run by ``services.save_screenings`` under the write lock.
"""

from django.db.models import BaseConstraint, Q
from django.db.models.sql import Query


class RoomOverlapConstraint(BaseConstraint):
    """No two screenings for which ``condition`` holds in the same venue (room) at overlapping
    times: ``EXCLUDE USING gist`` over ``venue_id`` (``=``, which needs ``btree_gist``, created by
    migration 0002) and the half-open range ``[starts_at, <ends>)`` (``&&``), so back-to-back
    screenings are allowed. ``ends`` is the field that ends the range: ``ends_at`` until
    migration 0015, then ``blocked_until`` (the end plus the room's changeover). PostgreSQL only;
    see the module's docstring."""

    template = (
        "CONSTRAINT %(name)s EXCLUDE USING gist "
        "(%(venue)s WITH =, tstzrange(%(starts)s, %(ends)s, '[)') WITH &&) WHERE (%(condition)s)"
    )

    def __init__(self, *, name, condition: Q, ends="ends_at", violation_error_code=None, violation_error_message=None):
        if not isinstance(condition, Q):
            raise ValueError("RoomOverlapConstraint.condition must be a Q instance.")
        self.condition = condition
        self.ends = ends
        super().__init__(
            name=name, violation_error_code=violation_error_code, violation_error_message=violation_error_message
        )

    @staticmethod
    def applies(schema_editor) -> bool:
        return schema_editor.connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        if not self.applies(schema_editor):
            return None
        query = Query(model, alias_cols=False)
        compiler = query.get_compiler(connection=schema_editor.connection)
        sql, params = query.build_where(self.condition).as_sql(compiler, schema_editor.connection)
        column = schema_editor.quote_name
        return self.template % {
            "name": column(self.name),
            "venue": column(model._meta.get_field("venue").column),
            "starts": column(model._meta.get_field("starts_at").column),
            "ends": column(model._meta.get_field(self.ends).column),
            "condition": sql % tuple(schema_editor.quote_value(p) for p in params),
        }

    def create_sql(self, model, schema_editor):
        if not self.applies(schema_editor):
            return None
        table = schema_editor.quote_name(model._meta.db_table)
        return f"ALTER TABLE {table} ADD {self.constraint_sql(model, schema_editor)}"

    def remove_sql(self, model, schema_editor):
        if not self.applies(schema_editor):
            return None
        table = schema_editor.quote_name(model._meta.db_table)
        return f"ALTER TABLE {table} DROP CONSTRAINT {schema_editor.quote_name(self.name)}"

    def validate(self, model, instance, exclude=None, using=None):
        """Nothing here: ``full_clean`` checks the rule in ``Screening.clean``
        (``check_room_is_free``, over the same statuses) with a message naming the other
        screening, which ``services.save_screenings`` also runs under the room's lock."""

    @property
    def statuses(self) -> set[str]:
        """The statuses of ``condition`` (``Q(status__in=[…])``), as plain strings."""
        ((lookup, values),) = self.condition.children
        if lookup != "status__in":
            raise ValueError(f"Expected Q(status__in=[…]), not {self.condition!r}.")
        return {str(value) for value in values}

    def __eq__(self, other):
        if isinstance(other, RoomOverlapConstraint):
            return (
                self.name == other.name
                and self.condition == other.condition
                and self.ends == other.ends
                and self.violation_error_code == other.violation_error_code
                and self.violation_error_message == other.violation_error_message
            )
        return super().__eq__(other)

    def __hash__(self):
        return hash((self.name, str(self.condition), self.ends))

    def __repr__(self):
        return f"<{self.__class__.__qualname__}: name={self.name!r} condition={self.condition} ends={self.ends!r}>"

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["condition"] = self.condition
        if self.ends != "ends_at":
            kwargs["ends"] = self.ends
        return path, args, kwargs
