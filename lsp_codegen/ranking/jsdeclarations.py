"""A JavaScript or TypeScript module reduced to its declarations, for running examples.

As for Python (runnable.py), checking a candidate must never run the user's script:
tree-sitter says which top-level statements are declarations (imports, functions,
classes, `const`/`let`/`var`, exports of those, assignments such as `module.exports
= ...`, and TypeScript's types, interfaces, enums and namespaces); every other
statement (a call, a loop, an `if`, `main()`) is left out, as are statements
tree-sitter could not parse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsp_codegen.ranking.syntax import parser_for

if TYPE_CHECKING:
    from tree_sitter import Node

_DECLARATIONS = frozenset(
    {
        "import_statement",
        "function_declaration",
        "generator_function_declaration",
        "class_declaration",
        "lexical_declaration",
        "variable_declaration",
        # TypeScript
        "abstract_class_declaration",
        "interface_declaration",
        "type_alias_declaration",
        "enum_declaration",
        "internal_module",
        "module",
        "ambient_declaration",
        "function_signature",
        "import_alias",
    }
)
# What `export default` may name without running anything of the module's.
_QUIET_DEFAULTS = frozenset(
    {"identifier", "function_expression", "arrow_function", "class", "function", "object"}
)


def declarations_only(source: str, language: str) -> str | None:
    """`source` reduced to its declarations; None when no grammar is installed."""
    parser = parser_for(language)
    if parser is None:
        return None
    root = parser.parse(source.encode()).root_node
    kept = [node for node in root.named_children if _kept(node)]
    return "\n".join(node.text.decode() for node in kept if node.text is not None) + "\n"


def _kept(node: Node) -> bool:
    if node.has_error:
        return False
    if node.type in _DECLARATIONS:
        return True
    if node.type == "export_statement":
        return _quiet_export(node)
    if node.type == "expression_statement":
        expression = node.named_children[0] if node.named_children else None
        # `module.exports = {...}`, `exports.f = f`, `x = 1`: as Python keeps assignments;
        # `namespace N {}` parses as an expression statement too.
        kinds = ("assignment_expression", "internal_module")
        return expression is not None and expression.type in kinds
    return False


def _quiet_export(node: Node) -> bool:
    declaration = node.child_by_field_name("declaration")
    if declaration is not None:
        return declaration.type in _DECLARATIONS
    value = node.child_by_field_name("value")
    if value is not None:  # export default <value>
        return value.type in _QUIET_DEFAULTS
    return True  # export { a, b } / export * from "x"
