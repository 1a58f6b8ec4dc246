"""A JavaScript or TypeScript module reduced to its declarations (tree-sitter)."""

from __future__ import annotations

from lsp_codegen.ranking.runnable import definitions_only

SCRIPT = """#!/usr/bin/env node
'use strict';
import fs from 'node:fs';
const path = require('node:path');
// a comment
function twice(x) { return 2 * x; }
console.log(twice(2));
main();
if (process.argv.length > 2) { run(); }
for (;;) {}
module.exports = { twice };
export const k = 3;
export default twice;
export { twice as double };
class Shape {}
let broken = (;
"""


def test_javascript_keeps_declarations_and_drops_effects() -> None:
    assert definitions_only(SCRIPT, "javascript") == (
        "import fs from 'node:fs';\n"
        "const path = require('node:path');\n"
        "function twice(x) { return 2 * x; }\n"
        "module.exports = { twice };\n"
        "export const k = 3;\n"
        "export default twice;\n"
        "export { twice as double };\n"
        "class Shape {}\n"
    )


def test_an_exported_call_is_an_effect() -> None:
    assert definitions_only("export default main();\nexport function f() {}\n", "javascript") == (
        "export function f() {}\n"
    )


def test_typescript_keeps_its_types() -> None:
    source = (
        "interface Point { x: number }\ntype Id = string;\nenum Axis { X, Y }\n"
        "namespace Geo { export const origin = 0; }\ndeclare const DEBUG: boolean;\n"
        "export function norm(p: Point): number { return Math.abs(p.x); }\n"
        "norm({ x: -1 });\n"
    )
    kept = definitions_only(source, "typescript")
    assert kept == source.replace("norm({ x: -1 });\n", "")
