"""Is an answer the package's own code, renamed? Decided from the answer's source, in the grader.

A student's answer cell is parsed with ``ast``; each function in it (methods
included) is reduced to its *shape*: the tree without its docstring, with
every variable, argument and the function's own name replaced by its order
of first appearance and every literal by its type. Attribute names (``.data``,
``._prev``) are kept, since they are what the code does. A shape that equals
the shape of a function in micrograd_course (its engine, nn, losses, ...; not
the coursework) is a copy. Small functions are never called copies: a
one-line ``return self * -1`` is how anyone would write it.

Student code never runs here, so nothing it does can change the verdict.
"""

import ast
import functools
import pathlib

PACKAGE_DIR = pathlib.Path(__file__).resolve().parent.parent
SMALLEST = 40  # tree nodes; below this a function is too small to call a copy


class _Renamer(ast.NodeTransformer):
    def __init__(self):
        self.names = {}

    def _name(self, name):
        return self.names.setdefault(name, f"v{len(self.names)}")

    def visit_Name(self, node):
        return ast.copy_location(ast.Name(id=self._name(node.id), ctx=node.ctx), node)

    def visit_arg(self, node):
        return ast.copy_location(ast.arg(arg=self._name(node.arg)), node)

    def visit_Constant(self, node):
        return ast.copy_location(ast.Constant(value=type(node.value).__name__), node)

    def _function(self, node):
        node.name = self._name(node.name)
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
        node.decorator_list = []
        node.returns = None
        self.generic_visit(node)
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = _function


def _functions(tree):
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def shape(function):
    """The normalised dump of a function node, or None when it is too small to judge."""
    if sum(1 for _ in ast.walk(function)) < SMALLEST:
        return None
    copy = ast.parse(ast.unparse(function)).body[0]
    return ast.dump(_Renamer().visit(copy), annotate_fields=False, include_attributes=False)


@functools.lru_cache(maxsize=1)
def package_shapes():
    """{shape: "module.function"} for every function of the package outside its coursework."""
    shapes = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if "coursework" in path.relative_to(PACKAGE_DIR).parts:
            continue
        try:
            tree = ast.parse(path.read_text(), filename=str(path))
        except SyntaxError:
            continue
        module = ".".join(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
        for function in _functions(tree):
            found = shape(function)
            if found:
                shapes.setdefault(found, f"{module}.{function.name}")
    return shapes


def copied_functions(source):
    """[(the answer's function name, the package function it copies)] for the cell ``source``."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    shapes = package_shapes()
    copies = []
    for function in _functions(tree):
        found = shape(function)
        if found in shapes:
            copies.append((function.name, shapes[found]))
    return copies
