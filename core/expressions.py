"""Query expressions the ORM lacks."""

from django.db.models import BooleanField, Func


class Likely(Func):
    """`condition`, which the query planner should take as true for most rows.

    SQLite keeps no statistics on ranges and guesses that any range on an indexed column
    is selective, so it reads every row in the range by that index: a count meant to be
    read by primary key (core.counting) then reads the whole list. likelihood() corrects
    the guess and still lets the index be walked within the range when the list is sorted
    by it. Other databases estimate from their statistics: the bare condition."""

    output_field = BooleanField()

    def __init__(self, condition, probability=0.9):
        super().__init__(condition)
        self.probability = float(probability)  # SQLite wants a constant, not a parameter

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor != "sqlite":
            return sql, params
        return f"likelihood({sql}, {self.probability!r})", params
