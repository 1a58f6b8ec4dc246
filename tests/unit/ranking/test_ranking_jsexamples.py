"""Examples in JavaScript and TypeScript comments become node:assert checks."""

from __future__ import annotations

import pytest

from lsp_codegen.context.insertion import locate_insertion
from lsp_codegen.ranking.examples import examples_for, extract_examples
from lsp_codegen.ranking.jsexamples import function_name_from_header


def case(name: str, comment: str, function: str | None, checks: list[tuple[str, str]]) -> object:
    """One extraction case: the comment's words, the function, the (source, label) checks."""
    return pytest.param(comment, function, checks, id=name)


CASES = [
    case(
        "strict equality",
        "Sum of squares.\nsumOfSquares([1, 2, 3]) === 14",
        "sumOfSquares",
        [
            (
                "assert.deepStrictEqual(await sumOfSquares([1, 2, 3]), 14)",
                "sumOfSquares([1, 2, 3]) === 14",
            )
        ],
    ),
    case(
        "loose equality compares primitives with ==",
        "toNumber('4') == 4",
        "toNumber",
        [("assert.deepEqual(await toNumber('4'), 4)", "toNumber('4') == 4")],
    ),
    case(
        "a comment arrow after the call, with and without a semicolon",
        "double(2) // => 4\ndouble(3); // -> 6",
        "double",
        [
            ("assert.deepStrictEqual(await double(2), 4)", "double(2) // => 4"),
            ("assert.deepStrictEqual(await double(3), 6)", "double(3); // -> 6"),
        ],
    ),
    case(
        "arrows and words, several on a line",
        "add(1, 2) -> 3, add(2, 2) => 4 and add(0, 0) returns 0.",
        "add",
        [
            ("assert.deepStrictEqual(await add(1, 2), 3)", "add(1, 2) -> 3"),
            ("assert.deepStrictEqual(await add(2, 2), 4)", "add(2, 2) => 4"),
            ("assert.deepStrictEqual(await add(0, 0), 0)", "add(0, 0) returns 0"),
        ],
    ),
    case(
        "deep values: arrays, objects, strings with separators, new",
        'split("a,b") === ["a", "b"]\npoint(1) -> { x: 1, y: [2] }\nmake(1) === new Set([1])',
        None,
        [
            (
                'assert.deepStrictEqual(await split("a,b"), ["a", "b"])',
                'split("a,b") === ["a", "b"]',
            ),
            (
                "assert.deepStrictEqual(await point(1), { x: 1, y: [2] })",
                "point(1) -> { x: 1, y: [2] }",
            ),
            ("assert.deepStrictEqual(await make(1), new Set([1]))", "make(1) === new Set([1])"),
        ],
    ),
    case(
        "JSDoc: @example text, not the other tags",
        "@param {number} n the count\n@returns {number} n * 2 e.g. twice(n) is 2n\n"
        "@example\ntwice(5) // => 10\n@example twice(-1) // => -2",
        "twice",
        [
            ("assert.deepStrictEqual(await twice(5), 10)", "twice(5) // => 10"),
            ("assert.deepStrictEqual(await twice(-1), -2)", "twice(-1) // => -2"),
        ],
    ),
    case(
        "console.assert: an equality is compared deeply, anything else must be truthy",
        "console.assert(isEven(4) === true);\nconsole.assert(isEven(3) == false, 'odd')\n"
        "console.assert(!isEven(7))",
        "isEven",
        [
            ("assert.deepStrictEqual(await isEven(4), true)", "console.assert(isEven(4) === true)"),
            (
                "assert.deepEqual(await isEven(3), false)",
                "console.assert(isEven(3) == false, 'odd')",
            ),
            ("assert.ok(!isEven(7))", "console.assert(!isEven(7))"),
        ],
    ),
    case(
        "node:assert lines are kept as written",
        "assert.strictEqual(clamp(5, 0, 3), 3);\nassert(clamp(1, 0, 3) === 1)",
        "clamp",
        [
            ("assert.strictEqual(clamp(5, 0, 3), 3)", "assert.strictEqual(clamp(5, 0, 3), 3)"),
            ("assert(clamp(1, 0, 3) === 1)", "assert(clamp(1, 0, 3) === 1)"),
        ],
    ),
    case(
        "special values",
        "find([]) === undefined, ratio(0, 0) is NaN, parse('x') === null",
        None,
        [
            ("assert.deepStrictEqual(await find([]), undefined)", "find([]) === undefined"),
            ("assert.deepStrictEqual(await ratio(0, 0), NaN)", "ratio(0, 0) is NaN"),
            ("assert.deepStrictEqual(await parse('x'), null)", "parse('x') === null"),
        ],
    ),
    case(
        "only a call is awaited: an expression around it is compared as it is",
        "one() + 1 -> 2",
        "one",
        [("assert.deepStrictEqual(one() + 1, 2)", "one() + 1 -> 2")],
    ),
    case(
        "not examples: types, inequality, prose, other functions",
        "area(w, h) -> number\narea(1, 1) !== 2\narea(2, 3) is about six\nother(1) === 1",
        "area",
        [],
    ),
]


@pytest.mark.parametrize(("comment", "function", "expected"), CASES)
def test_extracts_examples(
    comment: str, function: str | None, expected: list[tuple[str, str]]
) -> None:
    checks = extract_examples(comment, "javascript", function)
    assert [(c.source, c.label) for c in checks] == expected


def test_typescript_uses_the_same_rules() -> None:
    checks = extract_examples("clamp(5, 0, 3) === 3 // a number", "typescript", "clamp")
    assert [c.source for c in checks] == ["assert.deepStrictEqual(await clamp(5, 0, 3), 3)"]
    # A generic call is a call in TypeScript's grammar: awaited in console.assert too.
    checks = extract_examples("console.assert(first<number>([1]) === 1)", "typescript", "first")
    assert [c.source for c in checks] == ["assert.deepStrictEqual(await first<number>([1]), 1)"]


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("function sumOfSquares(xs) {", "sumOfSquares"),
        ("export async function load(url) {", "load"),
        ("export default function* ids() {", "ids"),
        ("const square = (x) => {", "square"),
        ("export const twice = function (n) {", "twice"),
        ("let inc = n => {", "inc"),
        ("const sum = (xs: number[]): number => {", "sum"),
        ("if (ready) {", None),
    ],
)
def test_function_name_from_header(header: str, name: str | None) -> None:
    assert function_name_from_header(header) == name


def test_examples_for_a_comment_above_a_function() -> None:
    document = "// sumOfSquares([1, 2, 3]) === 14\nfunction sumOfSquares(xs) {\n}\n"
    insertion = locate_insertion(document, document.index("{") + 1, "javascript")
    checks = examples_for(insertion)
    assert [c.label for c in checks] == ["sumOfSquares([1, 2, 3]) === 14"]
