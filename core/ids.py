"""Reading a row id (or page number) typed into a URL or a form: a whole number of ASCII
digits a 64-bit key can hold, else None. `str.isdigit()` alone lets "²" through (int()
then raises) and numbers too big for SQLite's driver (it raises OverflowError)."""

# The largest id a 64-bit primary key holds.
MAX_ROW_ID = 2**63 - 1


def as_id(raw):
    text = str(raw)
    # More digits than the largest id has is no id (and int() refuses over 4,300 of them).
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > len(str(MAX_ROW_ID)):
        return None
    value = int(text)
    return value if value <= MAX_ROW_ID else None
