"""Notebook 7: what one neuron cannot do."""

from ..framework import Exercise, Fail, expect_equal, is_number

INPUTS = [(0, 0), (0, 1), (1, 0), (1, 1)]


def _truth_table(weights):
    w1, w2, b = weights
    return [1 if w1 * x1 + w2 * x2 + b > 0 else 0 for x1, x2 in INPUTS]


# ----------------------------------------------------------------------
gates = Exercise("7.1", "OR and NAND with one step neuron", uses=("or_weights", "nand_weights"))


@gates.probe
def _(got, case, or_weights, nand_weights):
    got["or"], got["nand"] = list(or_weights), list(nand_weights)


def _gate_test(key, name, expected, look):
    @gates.test(name)
    def _(case, got):
        weights = got[key]
        if not (isinstance(weights, list) and len(weights) == 3 and all(is_number(w) for w in weights)):
            raise Fail(f"{name} weights should be three numbers (w1, w2, b)")
        expect_equal(_truth_table(weights), expected, look,
                     f"outputs of {name} weights {weights} for (0,0), (0,1), (1,0), (1,1)")


_gate_test("or", "OR", [0, 1, 1, 1], "OR fires when at least one input is 1: the bias alone must stay below 0, "
           "each weight plus the bias above it")
_gate_test("nand", "NAND", [1, 1, 1, 0], "NAND fires unless both inputs are 1: start from AND's weights and flip "
           "every sign")

# ----------------------------------------------------------------------
xor = Exercise("7.2", "XOR from two layers of step units", uses=("xor",))


@xor.probe
def _(got, case, xor):
    got["outputs"] = [xor(x1, x2) for x1, x2 in INPUTS]


@xor.test("equal inputs give 0")
def _(case, got):
    outputs = got["outputs"]
    expect_equal([outputs[0], outputs[3]], [0, 0], "for (0,0) and (1,1) XOR is 0: the output unit must need BOTH "
                 "hidden units (OR and NAND) to fire", "xor(0, 0), xor(1, 1)")


@xor.test("different inputs give 1")
def _(case, got):
    outputs = got["outputs"]
    expect_equal([outputs[1], outputs[2]], [1, 1], "for (0,1) and (1,0) XOR is 1: both OR and NAND fire there",
                 "xor(0, 1), xor(1, 0)")
