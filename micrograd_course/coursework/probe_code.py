"""The code a probe process receives: the probes of the exercises, and nothing that judges them.

An exercise module (``exercises/nb04.py``) holds an exercise's case maker,
its probes and its tests side by side. The probe process must not see the
tests, the case makers or the reference answers they use. ``probe_modules``
cuts each module down, with ``ast``, to its probes and what they need:

- the roots are ``X = Exercise(...)``, functions decorated ``@X.probe`` and
  top-level statements that call ``X.probe(...)``;
- a top-level function, class, assignment or import is kept only when
  something kept uses one of the names it defines (to a fixed point);
- everything else goes: ``@X.cases``, ``@X.test`` and the helpers only they use.

Imports from ``..framework`` become imports from ``..probing``, the probe side
(``Exercise``, ``plain``, ``run_probes``, ...). A name the probing module does
not have makes ``probe_modules`` fail here, in the grader, not later.
"""

import ast
import pathlib

from . import probing

COURSEWORK_DIR = pathlib.Path(__file__).resolve().parent
EXERCISES_DIR = COURSEWORK_DIR / "exercises"
PROBE_SIDE = set(dir(probing))


def _defined_names(node):
    """Names a top-level statement defines."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    targets = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _used_names(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _exercise_variables(tree):
    """Module variables bound to ``Exercise(...)``."""
    found = set()
    for node in tree.body:
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name) and node.value.func.id == "Exercise"):
            found |= _defined_names(node)
    return found


def _registers_probe(node, exercises):
    """True when ``node`` is ``@X.probe``-decorated, or calls ``X.probe(...)``, for an Exercise X."""
    def is_probe_attribute(expr):
        return (isinstance(expr, ast.Attribute) and expr.attr == "probe"
                and isinstance(expr.value, ast.Name) and expr.value.id in exercises)

    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return any(is_probe_attribute(d) for d in node.decorator_list)
    if isinstance(node, (ast.Expr, ast.For)):
        return any(isinstance(n, ast.Call) and is_probe_attribute(n.func) for n in ast.walk(node))
    return False


def _judge_side(node, exercises):
    """True for ``@X.cases`` and ``@X.test(...)`` functions: never shipped, whatever their name."""
    decorators = getattr(node, "decorator_list", [])
    for decorator in decorators:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (isinstance(target, ast.Attribute) and target.attr in ("cases", "test")
                and isinstance(target.value, ast.Name) and target.value.id in exercises):
            return True
    return False


def _is_exercise(node, exercises):
    return isinstance(node, ast.Assign) and _defined_names(node) & exercises


def _kept(tree, needed_from_outside=()):
    """The top-level statements of ``tree`` that the probes need, in their order."""
    exercises = _exercise_variables(tree)
    keep = [node for node in tree.body if _is_exercise(node, exercises) or _registers_probe(node, exercises)]
    wanted = set(needed_from_outside)
    for node in keep:
        wanted |= _used_names(node)
    changed = True
    while changed:
        changed = False
        for node in tree.body:
            if node in keep or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign,
                                                     ast.AnnAssign, ast.Import, ast.ImportFrom)):
                continue
            if _judge_side(node, exercises):
                continue
            if _defined_names(node) & wanted:
                keep.append(node)
                wanted |= _used_names(node)
                changed = True
    return [node for node in tree.body if node in keep], wanted


def _narrowed_import(node, wanted, module_name):
    """``node`` with only the names the probes use; ``..framework`` becomes ``..probing``."""
    names = [alias for alias in node.names if (alias.asname or alias.name) in wanted]
    if isinstance(node, ast.ImportFrom) and node.level and node.module == "framework":
        missing = [alias.name for alias in names if alias.name not in PROBE_SIDE]
        if missing:
            raise ValueError(f"the probes of {module_name} use {missing} from the framework, which the probe side "
                             "(probing.py) does not have: move them there, or out of the probes")
        return ast.ImportFrom(module="probing", names=names, level=node.level)
    return type(node)(**{**{f: getattr(node, f) for f in node._fields}, "names": names})


def probe_source(path, needed_from_outside=()):
    """The source of exercise module ``path`` cut down to its probes; also the names it imports from siblings."""
    tree = ast.parse(pathlib.Path(path).read_text(), filename=str(path))
    kept, wanted = _kept(tree, needed_from_outside)
    body, from_siblings = [], {}
    for node in kept:
        if isinstance(node, ast.ImportFrom):
            node = _narrowed_import(node, wanted, pathlib.Path(path).stem)
            if node.level == 1 and node.module:
                from_siblings.setdefault(node.module, set()).update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            node = _narrowed_import(node, wanted, pathlib.Path(path).stem)
        body.append(node)
    module = ast.Module(body=body, type_ignores=[])
    return ast.unparse(ast.fix_missing_locations(module)) + "\n", from_siblings


def probe_modules(module_names):
    """[(module suffix, file, is package, source)] for the probe process: probing, and ``module_names`` cut down.

    ``module_names`` are exercise module stems (``"nb04"``). Sibling helpers
    they import (``_shared``) are cut down to what those imports need and
    loaded first.
    """
    exercises, helpers = [], {}
    for stem in module_names:
        source, siblings = probe_source(EXERCISES_DIR / f"{stem}.py")
        exercises.append((f".exercises.{stem}", str(EXERCISES_DIR / f"{stem}.py"), False, source))
        for sibling, names in siblings.items():
            helpers.setdefault(sibling, set()).update(names)
    shared = []
    for stem, names in sorted(helpers.items()):
        source, _ = probe_source(EXERCISES_DIR / f"{stem}.py", names)
        shared.append((f".exercises.{stem}", str(EXERCISES_DIR / f"{stem}.py"), False, source))
    return ([("", str(COURSEWORK_DIR / "__init__.py"), True, ""),
             (".probing", str(COURSEWORK_DIR / "probing.py"), False, (COURSEWORK_DIR / "probing.py").read_text()),
             (".exercises", str(EXERCISES_DIR / "__init__.py"), True, "")] + shared + exercises)
