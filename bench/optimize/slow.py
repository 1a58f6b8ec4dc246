"""Ten intentionally slow functions for `bench/optimize/run.py`.

Each has a faster equivalent a model could write (a set instead of a list scan,
a dict instead of repeated counting, a loop instead of exponential recursion…)
and examples in its docstring, from which the inputs are generated.
"""


def common(xs, ys):
    """The items of xs that are also in ys, in order.

    >>> common([1, 2, 3], [3, 1])
    [1, 3]
    """
    out = []
    for x in xs:
        if x in ys:
            out.append(x)
    return out


def has_duplicates(xs):
    """Whether any value appears twice in xs.

    >>> has_duplicates([1, 2, 1])
    True
    >>> has_duplicates([1, 2, 3])
    False
    """
    for i in range(len(xs)):
        for j in range(len(xs)):
            if i != j and xs[i] == xs[j]:
                return True
    return False


def dedupe(xs):
    """The values of xs without repeats, first occurrences in order.

    >>> dedupe([3, 1, 3, 2, 1])
    [3, 1, 2]
    """
    seen = []
    out = []
    for x in xs:
        if x not in seen:
            seen.append(x)
            out.append(x)
    return out


def count_unique(xs):
    """How many distinct values xs holds.

    >>> count_unique([1, 2, 2, 3, 3, 3])
    3
    """
    distinct = []
    for x in xs:
        if x not in distinct:
            distinct.append(x)
    return len(distinct)


def word_counts(words):
    """How often each word occurs.

    >>> word_counts(["a", "b", "a"])
    {'a': 2, 'b': 1}
    """
    counts = {}
    for word in words:
        counts[word] = words.count(word)
    return counts


def fib(n):
    """The n-th Fibonacci number (fib(0) == 0).

    >>> fib(10)
    55
    >>> fib(1)
    1
    """
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def reverse_text(s):
    """s reversed.

    >>> reverse_text("abc")
    'cba'
    """
    out = ""
    for ch in s:
        out = ch + out
    return out


def max_pair_sum(xs):
    """The largest sum of two different items of xs (None for fewer than two).

    >>> max_pair_sum([1, 5, 3])
    8
    >>> max_pair_sum([4])
    """
    best = None
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            total = xs[i] + xs[j]
            if best is None or total > best:
                best = total
    return best


def positions(xs, ys):
    """For each y in ys, its first index in xs (-1 when absent).

    >>> positions([5, 6, 7], [7, 8])
    [2, -1]
    """
    out = []
    for y in ys:
        found = -1
        for i in range(len(xs)):
            if xs[i] == y:
                found = i
                break
        out.append(found)
    return out


def total_below(xs, limit):
    """The sum of the items of xs that are below limit, after sorting xs.

    >>> total_below([5, 1, 4], 5)
    5
    """
    items = list(xs)
    for i in range(len(items)):  # bubble sort
        for j in range(len(items) - 1 - i):
            if items[j] > items[j + 1]:
                items[j], items[j + 1] = items[j + 1], items[j]
    return sum(x for x in items if x < limit)
