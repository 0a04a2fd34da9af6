"""User-typed formulas f(x, y): parsed safely, differentiated exactly, turned into a `Surface`.

A formula such as ``x^2/20 + y^2`` goes through four steps, and none of them runs user text:

1. cheap checks on the raw string: length, ASCII only, a whitelist of characters, balanced
   and shallow parentheses, short runs of operators;
2. ``ast.parse(text, mode="eval")`` (with ``^`` read as ``**``) and a walk of Python's syntax
   tree against a whitelist, converted into a small immutable tree of our own
   (`Num`, `Const`, `Var`, `Neg`, `Bin`, `Call`). Constant sub-expressions are computed on the
   way, so ``1/0``, ``log(-1)`` or ``9^9^9`` fail at once with a message naming them;
3. symbolic differentiation of that tree (`diff`) with light simplification, giving trees for
   fx, fy, fxx, fxy and fyy;
4. every tree is compiled into nested NumPy closures that broadcast over arrays. Evaluation
   runs under ``np.errstate(all="ignore")``: outside the domain the result is NaN
   (``log(-1)``, ``sqrt(-1)``), at poles it is ±inf (``log(0)``, ``1/0``), never a warning.

Why not sympy: ``sympify``/``parse_expr`` evaluate strings and ``lambdify`` execs generated
code, so neither may touch user text; differentiating our six node types takes a page.

Grammar: numbers, ``x``, ``y``, ``pi``, ``e``, ``+ - * / ^`` (``**`` too), unary ``-``/``+``,
parentheses, and the one-argument functions in `FUNCTIONS`. ``log`` is the natural logarithm.
Every error is a `FormulaError` (a ``ValueError``) with one message naming what is wrong and
its column (1-based, in the text as typed).
"""
from __future__ import annotations

import ast
import math
from numbers import Real
from typing import Callable

import numpy as np

from surfaces.base import Array, Surface, Window, check_window
from surfaces.expr_render import to_latex, to_text
from surfaces.expr_tree import (CONSTANTS, FUNCTIONS, MAX_DERIVATIVE_DEPTH,
                                MAX_DERIVATIVE_SIZE, OPS, VARIABLES, Bin, Call, Const,
                                FormulaError, Kernel, Neg, Node, Num, Var, compile_tree, diff,
                                fold)

__all__ = ["FormulaError", "parse", "from_formula", "of_one_variable", "fold", "diff", "compile_tree", "to_text",
           "to_latex", "Node", "Num", "Const", "Var", "Neg", "Bin", "Call", "FUNCTIONS",
           "CONSTANTS", "VARIABLES", "MAX_LENGTH", "MAX_DERIVATIVE_SIZE",
           "MAX_DERIVATIVE_DEPTH"]

MAX_LENGTH = 500            # characters
MAX_PARENS = 30             # nesting depth of parentheses
MAX_OPERATOR_RUN = 4        # e.g. ``x**-y`` is a run of 3
MAX_DEPTH = 100             # depth of the parsed tree
MAX_WINDOW = 1e6            # |coordinate| bound for a window
DEFAULT_WINDOW: Window = ((-5.0, 5.0), (-5.0, 5.0))
_ALLOWED_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                           " .+-*/^(),_")


# --------------------------------------------------------------------------- parsing

def parse(text: str, variables: tuple[str, ...] = VARIABLES) -> Node:
    """Parse a formula of x and y into a tree, as typed (no folding), or raise `FormulaError`.

    Args:
      text: the formula, e.g. ``"x^2/20 + y^2"``; at most `MAX_LENGTH` ASCII characters.
      variables: the names that are variables (``("epoch",)`` for a scheduler's lr_lambda);
        any other name is an error, as for x and y.
    """
    _precheck(text)
    indent = len(text) - len(text.lstrip(" "))         # Python rejects leading spaces
    source = text[indent:].replace("^", "**")
    # columns[i]: 1-based column in `text` of character i of `source` (each ^ became two chars)
    columns = [i + 1 for i, ch in enumerate(text) if i >= indent
               for _ in range(2 if ch == "^" else 1)]
    try:
        body = ast.parse(source, mode="eval").body
    except SyntaxError as exc:
        raise FormulaError(_syntax_message(exc, columns)) from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError("formula nested too deeply") from None
    tree, _ = _Converter(text, source, columns, variables).convert(body)
    if tree.depth > MAX_DEPTH:
        raise FormulaError(f"formula nested too deeply (over {MAX_DEPTH} levels; a long sum "
                           f"or product counts one level per term)")
    return tree


def _show(ch: str) -> str:
    """A character as it should appear in a message."""
    if ch.isascii():
        return f"'{ch}'" if ch.isprintable() else f"U+{ord(ch):04X}"
    return f"'{ch}' (U+{ord(ch):04X})" if ch.isprintable() else f"U+{ord(ch):04X}"


def _precheck(text: object) -> None:
    """Reject what must never reach the Python parser; every check is linear and cheap."""
    if not isinstance(text, str):
        raise FormulaError(f"formula must be a string, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"formula too long (max {MAX_LENGTH} characters)")
    for i, ch in enumerate(text):
        if not ch.isascii():
            raise FormulaError(f"only ASCII characters are allowed "
                               f"(found {_show(ch)} at column {i + 1})")
        if ch not in _ALLOWED_CHARS:
            raise FormulaError(f"character {_show(ch)} is not allowed at column {i + 1}")
    if not text.strip():
        raise FormulaError("formula is empty")
    opened: list[int] = []
    run, run_start = 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            opened.append(i + 1)
            if len(opened) > MAX_PARENS:
                raise FormulaError(f"formula nested too deeply (more than {MAX_PARENS} "
                                   f"open parentheses at column {i + 1})")
        elif ch == ")":
            if not opened:
                raise FormulaError(f"unmatched ')' at column {i + 1}")
            opened.pop()
        if ch in "+-*/^":
            run, run_start = run + 1, (run_start if run else i + 1)
            if run > MAX_OPERATOR_RUN:
                raise FormulaError(f"too many operators in a row at column {run_start}")
        elif ch != " ":
            run = 0
    if opened:
        raise FormulaError(f"'(' at column {opened[-1]} is never closed")


def _syntax_message(exc: SyntaxError, columns: list[int]) -> str:
    """Python's SyntaxError, told in the user's columns."""
    offset = exc.offset or 0
    if not 1 <= offset <= len(columns):
        return "syntax error: the formula ends too early"
    message = f"syntax error at column {columns[offset - 1]}"
    if "decimal literal" in (exc.msg or ""):
        message += " (a number runs into a name: write 2*x, not 2x)"
    return message


_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}
_REJECTED = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "'lambda'",
    ast.IfExp: "'if' expressions", ast.BoolOp: "'and'/'or'", ast.Compare: "comparisons",
    ast.Tuple: "a ',' outside a function call is", ast.List: "lists",
    ast.Set: "sets", ast.Dict: "dicts", ast.GeneratorExp: "generator expressions",
    ast.ListComp: "comprehensions", ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions", ast.NamedExpr: "':=' assignments",
    ast.JoinedStr: "f-strings", ast.Starred: "'*' unpacking", ast.Await: "'await'",
    ast.Yield: "'yield'", ast.YieldFrom: "'yield'",
}


class _Converter:
    """Walks Python's syntax tree against the whitelist and builds our tree."""

    def __init__(self, text: str, source: str, columns: list[int],
                 variables: tuple[str, ...] = VARIABLES):
        self.text, self.source_text, self.columns = text, source, columns
        self.variables = variables
        self.hint = f" (use {', '.join(variables)}, pi, e)"

    def column(self, node: ast.AST) -> int:
        return self.columns[node.col_offset]

    def source(self, node: ast.AST) -> str:
        """The text the user typed for `node`, shortened to 40 characters."""
        start = self.columns[node.col_offset] - 1
        end = self.columns[node.end_col_offset - 1]
        text = self.text[start:end].strip()
        return text if len(text) <= 40 else text[:37] + "..."

    def fail(self, node: ast.AST, message: str, hint: str = "") -> FormulaError:
        return FormulaError(f"{message} at column {self.column(node)}{hint}")

    def convert(self, node: ast.AST) -> tuple[Node, np.float64 | None]:
        """Our tree for `node`, and its value if it is constant (else None)."""
        if isinstance(node, ast.BinOp):
            op = _BINOPS.get(type(node.op))
            if op is None:                          # only '//' can be typed
                gap = self.text[self.columns[node.left.end_col_offset] - 1:
                                self.columns[node.right.col_offset] - 1].strip(" ()")
                raise FormulaError(f"operator '{gap}' is not allowed "
                                   f"at column {self.columns[node.left.end_col_offset]}")
            left, lv = self.convert(node.left)
            right, rv = self.convert(node.right)
            value = None if lv is None or rv is None else self.evaluate(node, op, lv, rv)
            return Bin(op, left, right), value
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                raise self.fail(node, "'not' is not allowed")
            if not isinstance(node.op, (ast.USub, ast.UAdd)):   # '~' cannot be typed
                raise self.fail(node, f"'{self.source(node)}' is not allowed")
            arg, value = self.convert(node.operand)
            if isinstance(node.op, ast.UAdd):
                return arg, value
            return Neg(arg), (None if value is None else -value)
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        what = _REJECTED.get(type(node))
        if what is not None:
            raise self.fail(node, f"{what} not allowed")
        raise self.fail(node, f"'{self.source(node)}' is not allowed")

    def constant(self, node: ast.Constant) -> tuple[Node, np.float64]:
        value = node.value
        if isinstance(value, bool) or value is None:
            raise self.fail(node, f"unknown name '{value}'", self.hint)
        if isinstance(value, complex):
            raise self.fail(node, f"complex numbers are not allowed: {self.source(node)}")
        if not isinstance(value, (int, float)):
            raise self.fail(node, f"'{self.source(node)}' is not allowed")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise self.fail(node, f"constant overflows: {self.source(node)}")
        return Num(number), np.float64(number)

    def name(self, node: ast.Name) -> tuple[Node, np.float64 | None]:
        if node.id in self.variables:
            return Var(node.id), None
        if node.id in CONSTANTS:
            return Const(node.id), np.float64(CONSTANTS[node.id])
        if node.id in FUNCTIONS:
            raise self.fail(node, f"function '{node.id}' needs an argument",
                            f" (write {node.id}(...))")
        raise self.fail(node, f"unknown name '{node.id}'", self.hint)

    def call(self, node: ast.Call) -> tuple[Node, np.float64 | None]:
        func = node.func
        if not isinstance(func, ast.Name):
            self.convert(func)                      # rejects sin.__call__(x) and the like
            where = self.columns[self.source_text.index("(", func.end_col_offset)]
            raise FormulaError(f"missing '*' before '(' at column {where}")
        if func.id in self.variables or func.id in CONSTANTS:
            raise self.fail(func, f"'{func.id}' is not a function",
                            f" (write {func.id}*(...) for a product)")
        if func.id not in FUNCTIONS:
            raise self.fail(func, f"unknown function '{func.id}'")
        if node.keywords:
            raise self.fail(node, f"{func.id}() takes no keyword arguments")
        if len(node.args) != 1:
            raise self.fail(node, f"{func.id}() takes exactly one argument "
                                  f"(got {len(node.args)})")
        arg, value = self.convert(node.args[0])
        if value is not None:
            value = self.evaluate(node, func.id, value)
        return Call(func.id, arg), value

    def evaluate(self, node: ast.AST, op: str, *args: np.float64) -> np.float64:
        """A constant sub-expression in float64; overflow and undefined results are errors."""
        fn = OPS.get(op) or FUNCTIONS[op]
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            try:
                value = np.float64(fn(*args))
                problem = "" if np.isfinite(value) else "overflow" if np.isinf(value) else "nan"
            except (FloatingPointError, OverflowError, ZeroDivisionError) as exc:
                problem = str(exc) or type(exc).__name__
        if not problem:
            return value
        if "overflow" in problem.lower():
            kind = "constant overflows"
        elif op == "/" and "divide" in problem:
            kind = "division by zero"
        else:
            kind = "undefined constant"
        raise self.fail(node, f"{kind}: {self.source(node)}")


def _finish(r, x: np.ndarray, y: np.ndarray, shape: tuple[int, ...]) -> Array:
    """A fresh float array of the broadcast shape (never the caller's input itself)."""
    if r is x or r is y or np.shape(r) != shape:
        r = np.array(np.broadcast_to(np.asarray(r, dtype=float), shape))
    return r[()] if shape == () and isinstance(r, np.ndarray) else r


class _Evaluator:
    """value, grad and hessian of a folded tree; derivatives are NaN wherever f is NaN."""

    def __init__(self, f: Node):
        fx, fy = diff(f, "x"), diff(f, "y")
        trees = (f, fx, fy, diff(fx, "x"), diff(fx, "y"), diff(fy, "y"))
        self.kernels = [compile_tree(t) for t in trees]

    def _run(self, x, y, kernels: list[Kernel], derivative: bool) -> tuple[Array, ...]:
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        shape = np.broadcast_shapes(x.shape, y.shape)
        with np.errstate(all="ignore"):
            outs = [k(x, y) for k in kernels]
            if derivative:                                  # NaN wherever f is NaN
                undefined = np.isnan(self.kernels[0](x, y))
                if np.any(undefined):
                    outs = [np.where(undefined, np.nan, r) for r in outs]
        return tuple(_finish(r, x, y, shape) for r in outs)

    def value(self, x, y) -> Array:
        """f(x, y)."""
        return self._run(x, y, self.kernels[:1], derivative=False)[0]

    def grad(self, x, y) -> tuple[Array, Array]:
        """(fx, fy)."""
        return self._run(x, y, self.kernels[1:3], derivative=True)

    def hessian(self, x, y) -> tuple[Array, Array, Array]:
        """(fxx, fxy, fyy)."""
        return self._run(x, y, self.kernels[3:6], derivative=True)


# --------------------------------------------------------------------------- the surface

def _is_smooth(node: Node) -> bool:
    """False if the formula has kinks or cusps: abs, sqrt, or u^c with c < 1 not an integer."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Call) and n.fn in ("abs", "sqrt", "sign"):
            return False
        if isinstance(n, Bin) and n.op == "^" and isinstance(n.right, Num):
            c = n.right.value
            if c < 1 and not c.is_integer():
                return False
        stack.extend(n.children())
    return True


def _check_start(start, window: Window) -> tuple[float, float]:
    try:
        sx, sy = start
    except (TypeError, ValueError):
        raise ValueError("start must be a point (x, y)") from None
    if not all(isinstance(v, Real) and not isinstance(v, bool) for v in (sx, sy)):
        raise ValueError(f"start must be two numbers, got ({sx!r}, {sy!r})")
    sx, sy = float(sx), float(sy)
    (x0, x1), (y0, y1) = window
    if not (x0 <= sx <= x1 and y0 <= sy <= y1):
        raise ValueError(f"start ({sx:g}, {sy:g}) lies outside the window "
                         f"[{x0:g}, {x1:g}] x [{y0:g}, {y1:g}]")
    return sx, sy


def _default_start(ev: _Evaluator, window: Window) -> tuple[float, float]:
    """The window centre, or the interior grid point nearest to it where f is finite and
    the gradient finite and non-zero (so an optimizer has somewhere to go)."""
    (x0, x1), (y0, y1) = window
    t = np.linspace(0.0, 1.0, 9)[1:-1]                 # 7 x 7 interior points, centre included
    gx, gy = np.meshgrid(x0 + t * (x1 - x0), y0 + t * (y1 - y0))
    order = np.argsort(np.hypot((gx.ravel() - (x0 + x1) / 2) / (x1 - x0),
                                (gy.ravel() - (y0 + y1) / 2) / (y1 - y0)), kind="stable")
    px, py = gx.ravel()[order], gy.ravel()[order]
    f = ev.value(px, py)
    fx, fy = ev.grad(px, py)
    finite = np.isfinite(f) & np.isfinite(fx) & np.isfinite(fy)
    for good in (finite & ((fx != 0) | (fy != 0)), finite):
        if good.any():
            i = int(np.argmax(good))
            return float(px[i]), float(py[i])
    return float(px[0]), float(py[0])


def of_one_variable(text: str, variable: str) -> Callable[[float], float]:
    """A typed formula of one variable (``"0.95^epoch"``) as a function of a number.

    Parsed against the same whitelist as surfaces (``variable`` instead of x and y), folded,
    compiled into closures; never executed as code. Operators on a Python number are Python's
    (``0.95^epoch`` is ``0.95 ** epoch``, as a lambda computes it), functions NumPy's.

    Raises:
      FormulaError: the text is not a usable formula of ``variable``.
    """
    kernel = compile_tree(fold(parse(text, (variable,))))
    return lambda value: kernel(value, value)


def from_formula(text: str, window: Window | None = None,
                 start: tuple[float, float] | None = None) -> Surface:
    """A `Surface` for a typed formula f(x, y), with its exact gradient and Hessian.

    Args:
      text: the formula, e.g. ``"x^2/20 + y^2"`` (see the module docstring for the grammar).
      window: ((xmin, xmax), (ymin, ymax)); default ((-5, 5), (-5, 5)).
      start: a point inside the window; default the centre, or the interior point nearest to
        it where f and its gradient are finite and the gradient is non-zero.

    Raises:
      FormulaError: the text is not a usable formula.
      ValueError: the window or start point is invalid.
    """
    tree = parse(text)
    window = DEFAULT_WINDOW if window is None else check_window(window, limit=MAX_WINDOW)
    ev = _Evaluator(fold(tree))
    start = _default_start(ev, window) if start is None else _check_start(start, window)
    normalized = to_text(tree)
    return Surface(
        id="custom", name=f"Custom: {normalized}", latex=to_latex(tree), text=normalized,
        value=ev.value, grad=ev.grad, hessian=ev.hessian, window=window, start=start,
        minima=(), min_value=None, smooth=_is_smooth(tree), log_levels=False,
        notes="Typed by the user; derivatives are exact (symbolic).", tags=("custom",))
