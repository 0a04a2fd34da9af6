"""The formula tree of `surfaces.expr`: nodes, constant folding, derivatives, NumPy kernels.

Six immutable node types (`Num`, `Const`, `Var`, `Neg`, `Bin`, `Call`) describe a formula of
x and y. `fold` computes constant sub-expressions, `diff` differentiates symbolically and
`compile_tree` turns a tree into nested closures over NumPy arrays. Nothing here reads text.
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

Array = np.ndarray
Kernel = Callable[[Array, Array], Array]

MAX_DERIVATIVE_SIZE = 5000  # nodes in any derivative tree (fx ... fyy), counted as a tree
MAX_DERIVATIVE_DEPTH = 400  # keeps evaluation well inside Python's recursion limit

VARIABLES = ("x", "y")
CONSTANTS = {"pi": math.pi, "e": math.e}
FUNCTIONS: dict[str, Callable[[Array], Array]] = {
    "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh,
    "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "abs": np.abs,
}
UFUNCS = {**FUNCTIONS, "sign": np.sign}     # sign only appears in derivatives of abs
OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul,
       "/": operator.truediv, "^": operator.pow}


class FormulaError(ValueError):
    """A typed formula that cannot be used; the message says what is wrong and where."""


# --------------------------------------------------------------------------- the tree

@dataclass(frozen=True)
class Node:
    """Base of the formula tree; ``size`` (nodes, counted as a tree) and ``depth`` are cached."""

    size: int = field(init=False, repr=False, compare=False)
    depth: int = field(init=False, repr=False, compare=False)

    def children(self) -> tuple[Node, ...]:
        return ()

    def __post_init__(self) -> None:
        kids = self.children()
        object.__setattr__(self, "size", 1 + sum(k.size for k in kids))
        object.__setattr__(self, "depth", 1 + max((k.depth for k in kids), default=0))


@dataclass(frozen=True)
class Num(Node):
    """A number (always a finite float in a parsed tree)."""

    value: float


@dataclass(frozen=True)
class Const(Node):
    """A named constant: ``pi`` or ``e``."""

    name: str

    @property
    def value(self) -> float:
        return CONSTANTS[self.name]


@dataclass(frozen=True)
class Var(Node):
    """A variable: ``x`` or ``y``."""

    name: str


@dataclass(frozen=True)
class Neg(Node):
    """Unary minus."""

    arg: Node

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)


@dataclass(frozen=True)
class Bin(Node):
    """A binary operation; ``op`` is one of ``+ - * / ^``."""

    op: str
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Call(Node):
    """A function of one argument, ``fn`` a key of `FUNCTIONS` (or ``sign`` in derivatives)."""

    fn: str
    arg: Node

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)


ZERO, ONE, TWO = Num(0.0), Num(1.0), Num(2.0)


# --------------------------------------------------------------------------- folding

def _compute(op: str, *args: float) -> float:
    """One operation on numbers with evaluation semantics (inf/NaN allowed, no warnings)."""
    with np.errstate(all="ignore"):
        fn = OPS.get(op) or UFUNCS[op]
        return float(fn(*(np.float64(a) for a in args)))


def fold(node: Node) -> Node:
    """Replace every constant sub-expression (``pi`` and ``e`` included) by its value.

    Only constants are computed, in the order written, so the folded tree gives bit for bit
    what the formula gives in NumPy: ``2*pi*x`` becomes ``6.283185307179586*x``.
    """
    if isinstance(node, Const):
        return Num(node.value)
    if isinstance(node, Neg):
        arg = fold(node.arg)
        return Num(-arg.value) if isinstance(arg, Num) else Neg(arg)
    if isinstance(node, Bin):
        left, right = fold(node.left), fold(node.right)
        if isinstance(left, Num) and isinstance(right, Num):
            return Num(_compute(node.op, left.value, right.value))
        return Bin(node.op, left, right)
    if isinstance(node, Call):
        arg = fold(node.arg)
        return Num(_compute(node.fn, arg.value)) if isinstance(arg, Num) else Call(node.fn, arg)
    return node


# --------------------------------------------------------------------------- derivatives

def _checked(node: Node) -> Node:
    if node.size > MAX_DERIVATIVE_SIZE or node.depth > MAX_DERIVATIVE_DEPTH:
        raise FormulaError("formula too complex to differentiate")
    return node


def _is(node: Node, value: float) -> bool:
    return isinstance(node, Num) and node.value == value


def _add(a: Node, b: Node) -> Node:
    if _is(a, 0):
        return b
    if _is(b, 0):
        return a
    if isinstance(a, Num) and isinstance(b, Num):
        return Num(_compute("+", a.value, b.value))
    return _checked(Bin("+", a, b))


def _sub(a: Node, b: Node) -> Node:
    if _is(b, 0):
        return a
    if _is(a, 0):
        return _neg(b)
    if isinstance(a, Num) and isinstance(b, Num):
        return Num(_compute("-", a.value, b.value))
    return _checked(Bin("-", a, b))


def _mul(a: Node, b: Node) -> Node:
    if _is(a, 0) or _is(b, 0):
        return ZERO
    if _is(a, 1):
        return b
    if _is(b, 1):
        return a
    if isinstance(a, Num) and isinstance(b, Num):
        return Num(_compute("*", a.value, b.value))
    return _checked(Bin("*", a, b))


def _div(a: Node, b: Node) -> Node:
    if _is(a, 0):
        return ZERO
    if _is(b, 1):
        return a
    if isinstance(a, Num) and isinstance(b, Num):
        return Num(_compute("/", a.value, b.value))
    return _checked(Bin("/", a, b))


def _pow(a: Node, b: Node) -> Node:
    if _is(b, 0):
        return ONE
    if _is(b, 1):
        return a
    if isinstance(a, Num) and isinstance(b, Num):
        return Num(_compute("^", a.value, b.value))
    return _checked(Bin("^", a, b))


def _neg(a: Node) -> Node:
    if isinstance(a, Num):
        return Num(-a.value)
    if isinstance(a, Neg):
        return a.arg
    return _checked(Neg(a))


def _call(fn: str, a: Node) -> Node:
    if isinstance(a, Num):
        return Num(_compute(fn, a.value))
    return _checked(Call(fn, a))


def _outer_derivative(node: Call) -> Node:
    """g'(u) for ``node = g(u)``, reusing ``node`` where g' is g itself."""
    u, fn = node.arg, node.fn
    if fn == "sin":
        return _call("cos", u)
    if fn == "cos":
        return _neg(_call("sin", u))
    if fn == "tan":
        return _add(ONE, _pow(node, TWO))                           # 1 + tan(u)^2
    if fn in ("asin", "acos"):
        d = _div(ONE, _call("sqrt", _sub(ONE, _pow(u, TWO))))     # 1/sqrt(1 - u^2)
        return d if fn == "asin" else _neg(d)
    if fn == "atan":
        return _div(ONE, _add(ONE, _pow(u, TWO)))
    if fn == "sinh":
        return _call("cosh", u)
    if fn == "cosh":
        return _call("sinh", u)
    if fn == "tanh":
        return _sub(ONE, _pow(node, TWO))                           # 1 - tanh(u)^2
    if fn == "exp":
        return node
    if fn == "log":
        return _div(ONE, u)
    if fn == "sqrt":
        return _div(ONE, _mul(TWO, node))                           # 1/(2 sqrt(u))
    if fn == "abs":
        return _call("sign", u)
    if fn == "sign":
        return ZERO
    raise AssertionError(fn)


def diff(node: Node, var: str) -> Node:
    """The partial derivative d node / d var as a new tree, lightly simplified.

    Rules: sum, product and quotient rules; ``(u^n)' = n u^(n-1) u'`` for a constant n,
    ``(a^v)' = a^v log(a) v'`` for a constant a, otherwise
    ``(u^v)' = u^v (v' log(u) + v u'/u)``; ``|u|' = sign(u) u'``. Shared sub-trees are
    differentiated once. Raises `FormulaError` if the result exceeds `MAX_DERIVATIVE_SIZE`.

    Args:
      node: a tree, best `fold`-ed first (constants are treated as constants either way).
      var: ``"x"`` or ``"y"``.
    """
    memo: dict[int, tuple[Node, Node]] = {}

    def d(n: Node) -> Node:
        hit = memo.get(id(n))
        if hit is not None:
            return hit[1]
        if isinstance(n, Var):
            out = ONE if n.name == var else ZERO
        elif isinstance(n, Neg):
            out = _neg(d(n.arg))
        elif isinstance(n, Call):
            du = d(n.arg)
            out = ZERO if _is(du, 0) else _mul(_outer_derivative(n), du)
        elif isinstance(n, Bin):
            out = _diff_bin(n, d(n.left), d(n.right))
        else:                                   # Num, Const
            out = ZERO
        memo[id(n)] = (n, out)                  # keep n alive so its id stays unique
        return out

    return d(node)


def _diff_bin(n: Bin, da: Node, db: Node) -> Node:
    a, b, op = n.left, n.right, n.op
    if op == "+":
        return _add(da, db)
    if op == "-":
        return _sub(da, db)
    if op == "*":
        return _add(_mul(da, b), _mul(a, db))
    if op == "/":
        if _is(db, 0):
            return _div(da, b)
        return _sub(_div(da, b), _div(_mul(a, db), _pow(b, TWO)))
    # op == "^"
    if _is(db, 0):                              # exponent constant in var: n u^(n-1) u'
        if _is(da, 0):
            return ZERO
        exponent = Num(b.value - 1.0) if isinstance(b, Num) else _sub(b, ONE)
        return _mul(_mul(b, _pow(a, exponent)), da)
    if _is(da, 0):                              # base constant in var: a^v log(a) v'
        return _mul(_mul(n, _call("log", a)), db)
    return _mul(n, _add(_mul(db, _call("log", a)), _div(_mul(b, da), a)))


# --------------------------------------------------------------------------- evaluation

def compile_tree(node: Node) -> Kernel:
    """Nested closures computing the tree on NumPy arrays: ``kernel(x, y) -> array``.

    Operators are Python's (``x**2`` is NumPy's ``x**2``), functions are NumPy ufuncs. Call
    inside ``np.errstate(all="ignore")``; a constant tree returns a Python float.
    """
    memo: dict[int, tuple[Node, Kernel]] = {}

    def build(n: Node) -> Kernel:
        hit = memo.get(id(n))
        if hit is not None:
            return hit[1]
        if isinstance(n, (Num, Const)):
            c = float(n.value)
            kernel = lambda x, y: c                                 # noqa: E731
        elif isinstance(n, Var):
            # y is the second argument; x (or a formula's one other variable, e.g. epoch) the first
            kernel = (lambda x, y: y) if n.name == "y" else (lambda x, y: x)
        elif isinstance(n, Neg):
            f = build(n.arg)
            kernel = lambda x, y: -f(x, y)                          # noqa: E731
        elif isinstance(n, Call):
            f, ufunc = build(n.arg), UFUNCS[n.fn]
            kernel = lambda x, y: ufunc(f(x, y))                    # noqa: E731
        elif isinstance(n.right, Num):                   # a constant operand is captured
            f, c, op = build(n.left), n.right.value, OPS[n.op]
            kernel = lambda x, y: op(f(x, y), c)                    # noqa: E731
        elif isinstance(n.left, Num):
            c, g, op = n.left.value, build(n.right), OPS[n.op]
            kernel = lambda x, y: op(c, g(x, y))                    # noqa: E731
        else:
            f, g, op = build(n.left), build(n.right), OPS[n.op]
            kernel = lambda x, y: op(f(x, y), g(x, y))              # noqa: E731
        memo[id(n)] = (n, kernel)
        return kernel

    return build(node)
