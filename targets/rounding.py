"""Splits that sum exactly to their parent, in whole units (fen or policies).

Every amount here is an ``int`` in the plan's smallest unit: fen (0.01 yuan)
for premium, one policy for counts. Python ints never overflow, which matters
because a proportional share multiplies two amounts before dividing.

- ``largest_remainder`` splits one amount by weights (the Hamilton method):
  everyone gets the floor of their exact share, and the units left over go
  to the largest remainders, ties to the earlier item, so results are
  deterministic.
- ``round_matrix`` splits a parent's cells among children so that *both*
  margins hold: each child's cells sum to the child's amount, and each
  cell summed over the children equals the parent's cell. Rounding each
  child separately would leave the company's 健康险 column a few fen off
  400万; this is "controlled rounding", done as a small max-flow.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from fractions import Fraction
from math import lcm


def largest_remainder(total: int, weights: Sequence[Fraction | int]) -> list[int]:
    """Split ``total`` units in proportion to ``weights``; the parts sum to ``total``.

    Zero weights get nothing. All-zero weights split evenly (something has to
    carry the amount, and no one is favoured).
    """
    if total < 0:
        raise ValueError("total must not be negative")
    count = len(weights)
    if count == 0:
        if total:
            raise ValueError("nothing to split a non-zero total over")
        return []
    fractions = [Fraction(weight) for weight in weights]
    if any(weight < 0 for weight in fractions):
        raise ValueError("weights must not be negative")
    if not any(fractions):
        fractions = [Fraction(1)] * count
    # Whole-number weights with the same ratios: integer divmod is exact and
    # far cheaper than Fraction arithmetic, and allocation calls this a lot.
    denominator = lcm(*(weight.denominator for weight in fractions))
    integers = [weight.numerator * (denominator // weight.denominator) for weight in fractions]
    weight_sum = sum(integers)
    parts, remainders = [], []
    for weight in integers:
        part, remainder = divmod(total * weight, weight_sum)
        parts.append(part)
        remainders.append(remainder)
    left_over = total - sum(parts)
    by_remainder = sorted(range(count), key=lambda index: (-remainders[index], index))
    for index in by_remainder[:left_over]:
        parts[index] += 1
    return parts


def round_matrix(rows: Sequence[int], columns: Sequence[int]) -> list[list[int]]:
    """Return cells ``c[i][j]`` ≈ ``rows[i] * columns[j] / total`` with exact margins.

    ``sum(c[i]) == rows[i]`` and ``sum(c[i][j] for i) == columns[j]``; each
    cell is the floor or the ceiling of its exact share. ``sum(rows)`` must
    equal ``sum(columns)``.
    """
    total = sum(rows)
    if total != sum(columns):
        raise ValueError("row and column totals differ")
    if any(value < 0 for value in rows) or any(value < 0 for value in columns):
        raise ValueError("amounts must not be negative")
    if total == 0:
        return [[0] * len(columns) for _ in rows]
    cells: list[list[int]] = []
    remainders: list[list[int]] = []
    for row in rows:
        floor_row, remainder_row = [], []
        for column in columns:
            quotient, remainder = divmod(row * column, total)
            floor_row.append(quotient)
            remainder_row.append(remainder)
        cells.append(floor_row)
        remainders.append(remainder_row)
    row_need = [row - sum(cells[i]) for i, row in enumerate(rows)]
    column_need = [column - sum(cells[i][j] for i in range(len(rows))) for j, column in enumerate(columns)]
    if not any(row_need):
        return cells

    # Greedy first: raise the largest remainders while both margins still need a unit.
    raised = [[False] * len(columns) for _ in rows]
    candidates = sorted(
        ((remainders[i][j], i, j) for i in range(len(rows)) for j in range(len(columns)) if remainders[i][j]),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    for _remainder, i, j in candidates:
        if row_need[i] and column_need[j]:
            raised[i][j] = True
            row_need[i] -= 1
            column_need[j] -= 1
    # The greedy pass can paint itself into a corner; augmenting paths finish
    # the job (a solution always exists: the exact shares are a fractional one).
    for i in range(len(rows)):
        while row_need[i]:
            _augment(i, remainders, raised, column_need)
            row_need[i] -= 1
    for i, raised_row in enumerate(raised):
        for j, is_raised in enumerate(raised_row):
            if is_raised:
                cells[i][j] += 1
    return cells


def _augment(start_row: int, remainders, raised, column_need) -> None:
    """Find row → column → row … → column-with-need, flipping raised cells along it."""
    row_count, column_count = len(raised), len(raised[0])
    came_from_row: dict[int, int] = {}  # column → the row it was reached from
    came_from_column: dict[int, int] = {}  # row → the column it was reached from
    queue = deque([start_row])
    seen_rows = {start_row}
    while queue:
        i = queue.popleft()
        for j in range(column_count):
            if j in came_from_row or raised[i][j] or not remainders[i][j]:
                continue
            came_from_row[j] = i
            if column_need[j]:
                column_need[j] -= 1
                # Walk back: raise (row, column) edges, lower (row, column) back-edges.
                while True:
                    row = came_from_row[j]
                    raised[row][j] = True
                    if row == start_row:
                        return
                    j = came_from_column[row]
                    raised[row][j] = False
            for other in range(row_count):
                if other not in seen_rows and raised[other][j]:
                    seen_rows.add(other)
                    came_from_column[other] = j
                    queue.append(other)
    raise ArithmeticError("no exact rounding found")  # impossible when the margins agree
