"""Notebook 7: what one neuron cannot do."""

from ..framework import Exercise, Fail, expect_equal, is_number

INPUTS = [(0, 0), (0, 1), (1, 0), (1, 1)]


def _weighted_sums(weights, inputs):
    *w, b = weights
    return [sum(wi * xi for wi, xi in zip(w, x)) + b for x in inputs]


def _on_edge(z, edge):
    return abs(z - edge) < 1e-9


def _patterns(xs):
    """(0, 1) and (1, 0): the inputs ``xs`` as text."""
    texts = [str(tuple(x)) for x in xs]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def _silent_on_the_edge(sums, expected, inputs, edges):
    """The inputs where a unit should fire (``expected`` 1) but its sum is exactly on an edge, and that edge.

    A step unit is 0 at 0 (u fires only for z > 0) and the bump is 0 at 0.5 and 1.5: a sum
    that lands exactly on the threshold does not fire.
    """
    for edge in edges:
        stuck = [x for x, z, e in zip(inputs, sums, expected) if e == 1 and is_number(z) and _on_edge(z, edge)]
        if stuck:
            return stuck, edge
    return None, None


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
        sums = _weighted_sums(weights, INPUTS)
        table = [1 if z > 0 else 0 for z in sums]
        shown = f"outputs of {name} weights {weights} for (0,0), (0,1), (1,0), (1,1)"
        if mixed_up and table == mixed_up[0]:
            raise Fail(mixed_up[1], f"{shown}: {table}")
        stuck, _ = _silent_on_the_edge(sums, expected, INPUTS, [0])
        if table != expected and stuck:
            raise Fail(f"for {_patterns(stuck)} your weighted sum is exactly 0, and u(0) is 0 here (u fires only "
                       f"for z > 0): {name} should fire there, so the sum there must end up above 0, not on it",
                       f"{shown}: expected {expected!r}, got {table!r}")
        expect_equal(table, expected, look, shown)


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


def run_recording_step_units(function, inputs, at_least):
    """``function`` on each input, recording its calls of the notebook's step unit ``u``.

    Returns a dict of plain data: ``outputs``; ``built``, True when every output
    is the value of the last ``u`` it called, it called ``u`` at least
    ``at_least`` times, and its source takes no shortcut (an answer such as
    ``int(x1 != x2)`` or ``% 2`` has the right outputs, but no neurons);
    ``units``, per input, the value of each ``u`` call in order, and ``sums``,
    per input, the weighted sum each call received (None when not a number).
    """
    namespace = getattr(function, "__globals__", {})
    original = namespace.get("u")
    record = {"outputs": [], "built": original is not None and _uses_no_shortcut(function), "units": [], "sums": []}
    for x in inputs:
        calls, sums = [], []

        def counted(z):
            sums.append(float(z) if is_number(z) else None)
            calls.append(original(z))
            return calls[-1]

        namespace["u"] = counted
        try:
            record["outputs"].append(function(*x))
        finally:
            namespace["u"] = original
        record["built"] = record["built"] and len(calls) >= at_least and record["outputs"][-1] == calls[-1]
        record["units"].append([c if isinstance(c, int) else None for c in calls])
        record["sums"].append(sums)
    return record


NOT_FROM_UNITS = ("build it from step units: each unit is u(weighted sum + bias), the hidden ones feed the output "
                  "unit, and the function returns that unit's u(...); no comparisons, if, % or ^")


def _hidden_columns(got):
    """Each hidden unit (every u call but the last) as its outputs and sums over the inputs, in call order."""
    units, sums = got["units"], got["sums"]
    hidden = min(len(calls) for calls in units) - 1
    return [([calls[j] for calls in units], [s[j] for s in sums]) for j in range(max(hidden, 0))]


# ----------------------------------------------------------------------
xor = Exercise("7.2", "XOR from OR, NAND and AND", uses=("xor",))


@xor.probe
def _(got, case, xor):
    record = run_recording_step_units(xor, INPUTS, at_least=3)
    got["outputs"], got["built_from_units"] = record["outputs"], record["built"]
    got["units"], got["sums"] = record["units"], record["sums"]


@xor.test("the outputs are XOR")
def _(case, got):
    if got["built_from_units"] is not True:
        raise Fail(NOT_FROM_UNITS)
    outputs = got["outputs"]
    what = f"xor(0, 0), xor(0, 1), xor(1, 0), xor(1, 1): expected [0, 1, 1, 0], got {outputs!r}"
    if [outputs[0], outputs[3]] != [0, 0]:
        raise Fail("for (0,0) and (1,1) XOR is 0: the output unit must need BOTH hidden units (OR and NAND) "
                   "to fire", what)
    if [outputs[1], outputs[2]] != [1, 1]:
        stuck = [x for x, s, out in zip(INPUTS[1:3], got["sums"][1:3], outputs[1:3])
                 if out == 0 and s and is_number(s[-1]) and _on_edge(s[-1], 0)]
        if stuck:
            raise Fail(f"for {_patterns(stuck)} the output unit's weighted sum is exactly 0, and u(0) is 0 here "
                       "(u fires only for z > 0): it should fire there, so that sum must end up above 0, not on it",
                       what)
        raise Fail("for (0,1) and (1,0) XOR is 1: both OR and NAND fire there", what)


HIDDEN_TABLES = {"OR": ([0, 1, 1, 1], "for every input except (0, 0)"),
                 "NAND": ([1, 1, 1, 0], "for every input except (1, 1)")}


@xor.test("the hidden units are OR and NAND")
def _(case, got):
    if got["built_from_units"] is not True:
        raise Fail(NOT_FROM_UNITS)
    columns = _hidden_columns(got)
    tables = [table for table, _ in columns]
    shown = ("your hidden units' outputs for (0,0), (0,1), (1,0), (1,1), in the order u is called: "
             + ", ".join(repr(t) for t in tables) + "; OR is [0, 1, 1, 1], NAND is [1, 1, 1, 0]")
    missing = [name for name, (table, _) in HIDDEN_TABLES.items() if table not in tables]
    if not missing:
        return
    for name in missing:  # a unit that would be this gate if it fired where its sum is exactly 0
        table = HIDDEN_TABLES[name][0]
        for outputs, sums in columns:
            stuck, _ = _silent_on_the_edge(sums, table, INPUTS, [0])
            lifted = [1 if x in (stuck or []) else out for x, out in zip(INPUTS, outputs)]
            if stuck and lifted == table:
                raise Fail(f"your {name} unit gets a weighted sum of exactly 0 for {_patterns(stuck)}, and u(0) is "
                           f"0 here (u fires only for z > 0): it stays silent there, but {name} fires "
                           f"{HIDDEN_TABLES[name][1]}, so that sum must end up above 0, not on it", shown)
    if [1, 0, 0, 0] in tables and [0, 0, 0, 1] in tables:
        raise Fail("your hidden units fire for (0, 0) alone ('neither') and for (1, 1) alone ('both'): that is the "
                   "lecture's network, not the one asked for here. Here one hidden unit is OR (it fires for every "
                   "input except (0, 0)), the other NAND (every input except (1, 1)), and the output unit fires "
                   "only when both of them do", shown)
    said = " and ".join(f"no hidden unit fires like {name} ({HIDDEN_TABLES[name][1]})" for name in missing)
    raise Fail(f"{said}: the hidden units are OR and NAND, each one step unit u(weighted sum + bias) of the two "
               "inputs, and the output unit reads them", shown)


# ----------------------------------------------------------------------
INPUTS3 = [(x1, x2, x3) for x1 in (0, 1) for x2 in (0, 1) for x3 in (0, 1)]


def _bump(z):
    return 1 if 0.5 < z < 1.5 else 0


exactly_two = Exercise("7.3", "exactly two of three with one bump neuron", uses=("exactly_two_weights",))


@exactly_two.probe
def _(got, case, exactly_two_weights):
    got["weights"] = list(exactly_two_weights)


def _bump_symptoms(sums, outputs):
    """What a wrong exactly-two neuron does, in words: its symptoms, never the weights that would fix it."""
    two = [x for x in INPUTS3 if sum(x) == 2]
    fires = {x for x, out in zip(INPUTS3, outputs) if out}
    expected = [1 if sum(x) == 2 else 0 for x in INPUTS3]
    stuck, edge = _silent_on_the_edge(sums, expected, INPUTS3, [0.5, 1.5])
    if stuck:
        return (f"with two inputs on ({_patterns(stuck)}) your weighted sum is exactly {edge}, an edge of the "
                "bump's window, and the bump is 0 on its edges (it fires only for 0.5 < z < 1.5): the neuron "
                "stays silent there. Work out your sum for 0, 1, 2 and 3 inputs on and see where each one lands")
    symptoms = []
    fired_two = [x for x in two if x in fires]
    if fired_two and len(fired_two) < len(two):
        silent = [x for x in two if x not in fires]
        symptoms.append(f"it fires for {_patterns(fired_two)} but not for {_patterns(silent)}, although each has "
                        "two inputs on: only how many inputs are on should matter, not which")
    elif not fired_two:
        symptoms.append("it never fires with two inputs on")
    for count, words in [(0, "with no input on"), (1, "when only one input is on"), (3, "with all three on")]:
        wrong = [x for x in INPUTS3 if sum(x) == count and x in fires]
        if wrong:
            symptoms.append(f"it fires {words} ({_patterns(wrong)})")
    return ("; ".join(symptoms) + ". Work out your weighted sum for 0, 1, 2 and 3 inputs on and see which of them "
            "land inside the bump's window")


@exactly_two.test("fires for exactly two inputs on", points=2)
def _(case, got):
    weights = got["weights"]
    if not (isinstance(weights, list) and len(weights) == 4 and all(is_number(w) for w in weights)):
        raise Fail("give four numbers (w1, w2, w3, b)")
    sums = _weighted_sums(weights, INPUTS3)
    outputs = [_bump(z) for z in sums]
    expected = [1 if sum(x) == 2 else 0 for x in INPUTS3]
    what = f"bump outputs for the 8 inputs (0,0,0) .. (1,1,1) with weights {weights}"
    if outputs != expected:
        raise Fail(_bump_symptoms(sums, outputs), f"{what}: expected {expected!r}, got {outputs!r}")


# ----------------------------------------------------------------------
parity = Exercise("7.4", "parity of three inputs from step units", uses=("parity3",))


@parity.probe
def _(got, case, parity3):
    record = run_recording_step_units(parity3, INPUTS3, at_least=1)
    got["outputs"], got["built_from_units"] = record["outputs"], record["built"]
    got["sums"] = record["sums"]


def _zero_sums_note(got):
    """When step units get a weighted sum of exactly 0: for which inputs (one per count of inputs on)."""
    examples = {}
    for x, sums in zip(INPUTS3, got["sums"]):
        if any(is_number(z) and _on_edge(z, 0) for z in sums):
            examples.setdefault(sum(x), x)
    if not examples:
        return ""
    words = ["no", "one", "two", "three"]
    counts = [words[k] for k in sorted(examples)]
    counts = counts[0] if len(counts) == 1 else ", ".join(counts[:-1]) + " and " + counts[-1]
    return (f"for {_patterns([examples[k] for k in sorted(examples)])} ({counts} inputs on) a step unit of yours "
            "gets a weighted sum of exactly 0, and u(0) is 0 here (u fires only for z > 0): that unit stays silent "
            "there. Is that what you meant? ")


def _after_note(got, look):
    """``look``, after the note on sums of exactly 0 when there is one."""
    note = _zero_sums_note(got)
    return note + look[0].upper() + look[1:] if note else look


@parity.test("odd counts give 1", points=2)
def _(case, got):
    if got["built_from_units"] is not True:
        raise Fail(NOT_FROM_UNITS)
    odd = [x for x in INPUTS3 if sum(x) % 2]
    expect_equal([got["outputs"][INPUTS3.index(x)] for x in odd], [1] * len(odd),
                 _after_note(got, "one and three inputs on should fire: only the count of inputs on matters; "
                             "what can a step unit with equal weights on the inputs say about that count, as its "
                             "bias moves?"),
                 "parity3 for the inputs with one or three 1s")


@parity.test("even counts give 0", points=2)
def _(case, got):
    if got["built_from_units"] is not True:
        raise Fail(NOT_FROM_UNITS)
    even = [x for x in INPUTS3 if sum(x) % 2 == 0]
    expect_equal([got["outputs"][INPUTS3.index(x)] for x in even], [0] * len(even),
                 _after_note(got, "zero and two inputs on should stay silent: write down which hidden units "
                             "fire at each count and what the output unit's weighted sum makes of them at counts 0 "
                             "and 2"),
                 "parity3 for the inputs with zero or two 1s")
