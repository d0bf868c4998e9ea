"""Notebook 7: what one neuron cannot do."""

from ..framework import Exercise, Fail, expect_equal, is_number

INPUTS = [(0, 0), (0, 1), (1, 0), (1, 1)]


def _truth_table(weights):
    w1, w2, b = weights
    return [1 if w1 * x1 + w2 * x2 + b > 0 else 0 for x1, x2 in INPUTS]


# ----------------------------------------------------------------------
gates = Exercise("7.1", "NAND and 'x1 and not x2' with one step neuron",
                 uses=("nand_weights", "and_not_weights"))


@gates.probe
def _(got, case, nand_weights, and_not_weights):
    got["nand"], got["and_not"] = list(nand_weights), list(and_not_weights)


def _gate_test(key, name, expected, look, mixed_up=None):
    @gates.test(name)
    def _(case, got):
        weights = got[key]
        if not (isinstance(weights, list) and len(weights) == 3 and all(is_number(w) for w in weights)):
            raise Fail(f"{name} weights should be three numbers (w1, w2, b)")
        table = _truth_table(weights)
        if mixed_up and table == mixed_up[0]:
            raise Fail(mixed_up[1], f"outputs of {name} weights {weights} for (0,0), (0,1), (1,0), (1,1): {table}")
        expect_equal(table, expected, look, f"outputs of {name} weights {weights} for (0,0), (0,1), (1,0), (1,1)")


_gate_test("nand", "NAND", [1, 1, 1, 0], "NAND fires unless both inputs are 1: with both on, the weighted sum "
           "must fall below 0, with none on it must be above it; what does that ask of the bias, and of the "
           "weights' signs?", ([0, 0, 0, 1], "these weights compute AND, the opposite of NAND at every input"))
_gate_test("and_not", "x1 and not x2", [0, 0, 1, 0], "'x1 and not x2' fires for (1, 0) alone: x1 must be able "
           "to lift the sum above 0 on its own, x2 must pull it back down, and with neither on it stays below",
           ([0, 1, 0, 0], "these weights fire for (0, 1): that is x2 and not x1, the roles of the inputs swapped"))

def _uses_no_shortcut(function):
    """False when the function's source compares, takes % or ^, or branches: XOR with no neurons."""
    import ast
    import inspect
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):  # no source to read: judge by behaviour alone
        return True
    shortcuts = (ast.Compare, ast.If, ast.IfExp, ast.BoolOp, ast.Mod, ast.BitXor, ast.BitAnd, ast.BitOr)
    return not any(isinstance(node, shortcuts) for node in ast.walk(tree))


def run_counting_step_units(function, inputs, at_least):
    """``function`` on each input, counting its calls of the notebook's step unit ``u``.

    Returns (outputs, built): built is True when every output is the value of the
    last ``u`` it called, it called ``u`` at least ``at_least`` times, and its
    source takes no shortcut. An answer such as ``int(x1 != x2)`` or ``% 2`` has
    the right outputs, but no neurons.
    """
    namespace = getattr(function, "__globals__", {})
    original = namespace.get("u")
    outputs, built = [], original is not None and _uses_no_shortcut(function)
    for x in inputs:
        calls = []

        def counted(z):
            calls.append(original(z))
            return calls[-1]

        namespace["u"] = counted
        try:
            outputs.append(function(*x))
        finally:
            namespace["u"] = original
        built = built and len(calls) >= at_least and outputs[-1] == calls[-1]
    return outputs, built


NOT_FROM_UNITS = ("build it from step units: each unit is u(weighted sum + bias), the hidden ones feed the output "
                  "unit, and the function returns that unit's u(...); no comparisons, if, % or ^")

# ----------------------------------------------------------------------
xor = Exercise("7.2", "XOR from OR, NAND and AND", uses=("xor",))


@xor.probe
def _(got, case, xor):
    got["outputs"], got["built_from_units"] = run_counting_step_units(xor, INPUTS, at_least=3)


@xor.test("equal inputs give 0")
def _(case, got):
    if got["built_from_units"] is not True:
        raise Fail(NOT_FROM_UNITS)
    outputs = got["outputs"]
    expect_equal([outputs[0], outputs[3]], [0, 0], "for (0,0) and (1,1) XOR is 0: the output unit must need BOTH "
                 "hidden units (OR and NAND) to fire", "xor(0, 0), xor(1, 1)")


@xor.test("different inputs give 1")
def _(case, got):
    if got["built_from_units"] is not True:
        raise Fail(NOT_FROM_UNITS)
    outputs = got["outputs"]
    expect_equal([outputs[1], outputs[2]], [1, 1], "for (0,1) and (1,0) XOR is 1: both OR and NAND fire there",
                 "xor(0, 1), xor(1, 0)")


# ----------------------------------------------------------------------
INPUTS3 = [(x1, x2, x3) for x1 in (0, 1) for x2 in (0, 1) for x3 in (0, 1)]


def _bump(z):
    return 1 if 0.5 < z < 1.5 else 0


exactly_two = Exercise("7.3", "exactly two of three with one bump neuron", uses=("exactly_two_weights",))


@exactly_two.probe
def _(got, case, exactly_two_weights):
    got["weights"] = list(exactly_two_weights)


@exactly_two.test("fires for exactly two inputs on", points=2)
def _(case, got):
    weights = got["weights"]
    if not (isinstance(weights, list) and len(weights) == 4 and all(is_number(w) for w in weights)):
        raise Fail("give four numbers (w1, w2, w3, b)")
    w1, w2, w3, b = weights
    outputs = [_bump(w1 * x1 + w2 * x2 + w3 * x3 + b) for x1, x2, x3 in INPUTS3]
    expect_equal(outputs, [1 if sum(x) == 2 else 0 for x in INPUTS3],
                 "count the inputs that are on with equal weights, then shift the count with b so that a count "
                 "of 2 lands inside the bump's window (0.5, 1.5) and 1 and 3 land outside",
                 f"bump outputs for the 8 inputs (0,0,0) .. (1,1,1) with weights {weights}")


# ----------------------------------------------------------------------
parity = Exercise("7.4", "parity of three inputs from step units", uses=("parity3",))


@parity.probe
def _(got, case, parity3):
    got["outputs"], got["built_from_units"] = run_counting_step_units(parity3, INPUTS3, at_least=1)


@parity.test("odd counts give 1", points=2)
def _(case, got):
    if got["built_from_units"] is not True:
        raise Fail(NOT_FROM_UNITS)
    odd = [x for x in INPUTS3 if sum(x) % 2]
    expect_equal([got["outputs"][INPUTS3.index(x)] for x in odd], [1] * len(odd),
                 "one and three inputs on should fire: only the count of inputs on matters; what can a "
                 "step unit with equal weights on the inputs say about that count, as its bias moves?",
                 "parity3 for the inputs with one or three 1s")


@parity.test("even counts give 0", points=2)
def _(case, got):
    if got["built_from_units"] is not True:
        raise Fail(NOT_FROM_UNITS)
    even = [x for x in INPUTS3 if sum(x) % 2 == 0]
    expect_equal([got["outputs"][INPUTS3.index(x)] for x in even], [0] * len(even),
                 "zero and two inputs on should stay silent: write down which hidden units fire at each count "
                 "and what the output unit's weighted sum makes of them at counts 0 and 2", "parity3 for the inputs with zero or two 1s")
