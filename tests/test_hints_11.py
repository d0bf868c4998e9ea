"""Notebook 11's exercises: each classic mistake loses its points, with a hint that names it and gives no answer.

11.3 must use ``rng.random() < p`` on the generator it is given; 11.4 reports PyTorch's own refusal, not a line
inside torch; 11.5 must count (a queue of ready nodes), not sort.
"""

import pytest

from notebook_cells import judge_cell

DROPOUT = '''
import random

def dropout(values, p, rng, training):
    if not training:
        return list(values)
    scale = 1 / (1 - p)
    return [0.0 if rng.random() < p else v * scale for v in values]
'''

DROPOUT_MISTAKES = [
    # (what the student did, the change, the test that must fail, a phrase its hint must have)
    ("the global random module", ("rng.random() < p", "random.random() < p"),
     "training mode: value i is dropped", "random module's own generator"),
    ("exactly round(p n) dropped with rng.sample",
     ("    return [0.0 if rng.random() < p else v * scale for v in values]",
      "    gone = set(rng.sample(range(len(values)), round(p * len(values))))\n"
      "    return [0.0 if i in gone else v * scale for i, v in enumerate(values)]"),
     "training mode: value i is dropped", "rng.sample"),
    ("the mask the wrong way round", ("rng.random() < p", "rng.random() >= p"),
     "training mode: value i is dropped", "wrong way round"),
    ("survivors divided by p", ("scale = 1 / (1 - p)", "scale = 1 / p"),
     "training mode: each value is dropped (0) or scaled", "divided by p"),
    ("a fresh generator", ("rng.random() < p", "random.Random(0).random() < p"),
     "training mode: value i is dropped", "rng.random() < p"),
]


def _row(result, test):
    return next(row for row in result["tests"] if row["test"].startswith(test))


@pytest.mark.parametrize("what,change,test,phrase", DROPOUT_MISTAKES, ids=[m[0] for m in DROPOUT_MISTAKES])
def test_a_dropout_mistake_loses_its_points_with_a_hint_that_names_it(what, change, test, phrase):
    assert change[0] in DROPOUT
    for seed in range(3):
        result = judge_cell("11.3", DROPOUT.replace(*change), seed, reveal=False)
        row = _row(result, test)
        assert row["earned"] < row["points"] and phrase in row["hint"], (what, seed, row)
        assert "expected" not in row["hint"], row  # the student's own numbers only, never the answer
    assert judge_cell("11.3", DROPOUT)["earned"] == judge_cell("11.3", DROPOUT)["points"]


def test_dropout_cases_never_use_p_one_half():
    """At p = 0.5, 1/p and 1/(1-p) are both 2: dividing by p would pass."""
    from micrograd_course.coursework.framework import EXERCISES
    assert all(EXERCISES["11.3"].make_case(seed)["p"] != 0.5 for seed in range(40))


STATE_DICT_TRANSPOSED = '''
def our_state_dict(model):
    state = {}
    for k, layer in enumerate(model.layers):
        state[f"{2 * k}.weight"] = [list(column) for column in zip(*[[w.data for w in n.w] for n in layer.neurons])]
        state[f"{2 * k}.bias"] = [n.b.data for n in layer.neurons]
    return state
'''


def test_a_state_dict_that_pytorch_refuses_gets_pytorchs_message_not_a_line_inside_torch():
    pytest.importorskip("torch", reason="11.4's last test needs PyTorch: make install installs torch==2.13.0")
    result = judge_cell("11.4", STATE_DICT_TRANSPOSED, 0, reveal=False)
    row = _row(result, "PyTorch loads it")
    assert row["earned"] == 0, row
    assert "load_state_dict refused" in row["hint"] and "size mismatch" in row["hint"], row
    assert "line " not in row["hint"] and "raise RuntimeError" not in row["hint"], row


COUNTING = '''
from collections import deque

def backward_by_counting(root):
    nodes, stack, seen = [], [root], {root}
    while stack:
        node = stack.pop()
        nodes.append(node)
        for child in node._prev:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    waiting = {node: 0 for node in nodes}
    for node in nodes:
        for child in node._prev:
            waiting[child] += 1
    root.grad = 1.0
    ready = deque([root])
    while ready:
        node = ready.popleft()
        node._backward()
        for child in node._prev:
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
'''

TOPOLOGICAL_SORT = '''
def backward_by_counting(root):
    order, seen, stack = [], {root}, [(root, iter(root._prev))]
    while stack:
        node, children = stack[-1]
        for child in children:
            if child not in seen:
                seen.add(child)
                stack.append((child, iter(child._prev)))
                break
        else:
            stack.pop()
            order.append(node)
    root.grad = 1.0
    for node in reversed(order):
        node._backward()
'''

COUNTING_MISTAKES = [
    ("an iterative topological sort", TOPOLOGICAL_SORT, "depth-first topological sort"),
    ("a stack of ready nodes", COUNTING.replace("ready.popleft()", "ready.pop()"), "stack of ready nodes"),
]


@pytest.mark.parametrize("what,code,phrase", COUNTING_MISTAKES, ids=[m[0] for m in COUNTING_MISTAKES])
def test_a_sort_or_a_stack_in_place_of_a_queue_loses_the_order_point(what, code, phrase):
    for seed in range(2):
        result = judge_cell("11.5", code, seed, reveal=False)
        row = _row(result, "ready nodes run first in, first out")
        assert row["earned"] == 0 and phrase in row["hint"] and "popleft" in row["hint"], (what, row)
        others = [r for r in result["tests"] if r is not row]
        assert all(r["earned"] == r["points"] for r in others), (what, result)  # right gradients otherwise


def test_counting_with_a_queue_earns_full_marks():
    for seed in range(3):
        result = judge_cell("11.5", COUNTING, seed)
        assert result["earned"] == result["points"] == 6, result


COUNTING_TWICE_MISTAKES = [
    # counting over set(_prev) while lowering the count per appearance: u * u lets u run too early
    ("counted over set(_prev)", COUNTING.replace("for child in node._prev:\n            waiting[child] += 1",
                                                 "for child in set(node._prev):\n            waiting[child] += 1"),
     "set(_prev)"),
    ("lowered over set(_prev)", COUNTING.replace("        for child in node._prev:\n            waiting[child] -= 1",
                                                 "        for child in set(node._prev):\n            waiting[child] -= 1"),
     "u never ran"),
]


@pytest.mark.parametrize("what,code,phrase", COUNTING_TWICE_MISTAKES, ids=[m[0] for m in COUNTING_TWICE_MISTAKES])
def test_counting_a_node_used_twice_by_one_consumer_differently_from_lowering_it_fails(what, code, phrase):
    assert code != COUNTING
    for seed in range(2):
        row = _row(judge_cell("11.5", code, seed, reveal=False), "a node used twice by one consumer")
        assert row["earned"] == 0 and phrase in row["hint"] and "expected" not in row["hint"], (what, row)


def test_counting_over_distinct_children_in_both_places_is_right():
    """A set in both places is consistent: u * u sends u both gradients in one _backward, and lowers once."""
    code = COUNTING.replace("for child in node._prev:", "for child in set(node._prev):")
    assert code.count("set(node._prev)") == 3  # finding the nodes, counting, lowering
    result = judge_cell("11.5", code, 0)
    assert result["earned"] == result["points"], result


LOAD_TRANSPOSED = '''
def load_linear(layer, weight, bias):
    for i, neuron in enumerate(layer.neurons):
        for j, w in enumerate(neuron.w):
            w.data = weight[j][i]
        neuron.b.data = bias[i]
'''

OUR_NAME = '''
def our_name(key, row, column):
    position, kind = key.split(".")
    layer = int(position) // 2
    if kind == "weight":
        return f"layers.{layer}.neurons.{row}.w.{column}"
    return f"layers.{layer}.neurons.{row}.b"
'''

STATE_DICT = '''
def our_state_dict(model):
    state = {}
    for k, layer in enumerate(model.layers):
        state[f"{2 * k}.weight"] = [[w.data for w in neuron.w] for neuron in layer.neurons]
        state[f"{2 * k}.bias"] = [neuron.b.data for neuron in layer.neurons]
    return state
'''

FIRST_TRY_MISTAKES = [
    # (exercise, what the student did, the code, the test that must fail, a phrase its hint must have,
    #  words of the rule the first try must hold back)
    ("11.1", "weight read as columns", LOAD_TRANSPOSED, "weights: row = neuron", "rows and columns are swapped",
     ["neuron.w[j]", "[i][j]"]),
    ("11.2", "no // 2", OUR_NAME.replace("int(position) // 2", "int(position)"), "weights",
     "the Sequential position itself", ["2k", "// 2"]),
    ("11.2", "no // 2, the biases", OUR_NAME.replace("int(position) // 2", "int(position)"), "biases",
     "the Sequential position itself", ["2k", "no column"]),
    ("11.2", "row and column swapped", OUR_NAME.replace("neurons.{row}.w.{column}", "neurons.{column}.w.{row}"),
     "weights", "swapped", ["2k", "counts the activations"]),
    ("11.2", "a column on the bias", OUR_NAME.replace('neurons.{row}.b"', 'neurons.{row}.b.{column}"'), "biases",
     "has no input", ["{row}"]),
    ("11.3", "survivors not rescaled", DROPOUT.replace("scale = 1 / (1 - p)", "scale = 1"),
     "training mode: each value is dropped", "come out unchanged", ["1 / (1 - p)", "divided by 1 - p"]),
    ("11.3", "survivors multiplied by 1 - p", DROPOUT.replace("scale = 1 / (1 - p)", "scale = 1 - p"),
     "training mode: each value is dropped", "multiplied by 1 - p instead of divided", ["1 / (1 - p)"]),
    ("11.4", "keys 0, 1, 2", STATE_DICT.replace("{2 * k}", "{k}"), "the keys", "one after the other",
     ["0, 2, 4", "expected"]),
    ("11.4", "weights transposed", STATE_DICT.replace(
        "[[w.data for w in neuron.w] for neuron in layer.neurons]",
        "[list(c) for c in zip(*[[w.data for w in n.w] for n in layer.neurons])]"),
     "weights as rows", "transposed", ["neuron.w[j]", "[i][j]"]),
]


@pytest.mark.parametrize("exercise,what,code,test,phrase,held_back", FIRST_TRY_MISTAKES,
                         ids=[f"{m[0]} {m[1]}" for m in FIRST_TRY_MISTAKES])
def test_a_first_try_hint_names_the_mistake_and_holds_the_rule_back(exercise, what, code, test, phrase, held_back):
    for seed in range(3):
        row = _row(judge_cell(exercise, code, seed, reveal=False), test)
        assert row["earned"] < row["points"] and phrase in row["hint"], (what, seed, row)
        assert "expected" not in row["hint"] and not any(word in row["hint"] for word in held_back), (what, row)
        shown = _row(judge_cell(exercise, code, seed, reveal=True), test)["hint"]
        assert shown.startswith(row["hint"] + " ("), (what, shown)  # the second try adds the rule and the numbers


def test_11_4_keys_numbered_one_after_the_other_do_not_fail_the_weights_too():
    result = judge_cell("11.4", STATE_DICT.replace("{2 * k}", "{k}"), 0, reveal=False)
    row = _row(result, "weights as rows")
    assert row["earned"] == row["points"], row  # the weights are right: judged apart from the key names


def test_11_4_takes_the_keys_in_any_order():
    code = STATE_DICT.replace(
        "        state[f\"{2 * k}.bias\"] = [neuron.b.data for neuron in layer.neurons]\n",
        "    for k, layer in enumerate(model.layers):\n"
        "        state[f\"{2 * k}.bias\"] = [neuron.b.data for neuron in layer.neurons]\n")
    assert code != STATE_DICT
    for seed in range(2):
        result = judge_cell("11.4", code, seed)
        assert result["earned"] == result["points"], result


def test_11_1_an_index_error_in_the_weights_is_not_blamed_on_the_biases():
    from micrograd_course.coursework.framework import EXERCISES
    seeds = [seed for seed in range(40) if len(EXERCISES["11.1"].make_case(seed)["weight"]) >
             len(EXERCISES["11.1"].make_case(seed)["weight"][0])][:2]  # more neurons than inputs: an IndexError
    assert seeds
    for seed in seeds:
        result = judge_cell("11.1", LOAD_TRANSPOSED, seed, reveal=False)
        assert "IndexError" in _row(result, "weights")["hint"], result
        bias = _row(result, "biases")
        assert bias["earned"] == bias["points"] or "fix the weights first" in bias["hint"], bias
