"""Formula trees back to text: plain text that parses to the same tree, and LaTeX."""
from __future__ import annotations

from surfaces.expr_tree import Bin, Call, Const, Neg, Node, Num, Var


def _prec(node: Node) -> int:
    """Binding strength: + - 1, * / 2, unary - 3, ^ 4, atoms 5."""
    if isinstance(node, Bin):
        return {"+": 1, "-": 1, "*": 2, "/": 2, "^": 4}[node.op]
    return 3 if isinstance(node, Neg) else 5


def _num_text(v: float) -> str:
    return str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(v)


def to_text(node: Node) -> str:
    """The formula as plain text that parses back to the same tree, e.g. ``x^2/20 + y^2``."""
    if isinstance(node, Num):
        s = _num_text(node.value)
        return f"({s})" if s.startswith("-") else s
    if isinstance(node, (Const, Var)):
        return node.name
    if isinstance(node, Call):
        return f"{node.fn}({to_text(node.arg)})"
    if isinstance(node, Neg):
        inner = to_text(node.arg)
        return f"-({inner})" if _prec(node.arg) <= 3 else f"-{inner}"
    p = _prec(node)
    left, right = to_text(node.left), to_text(node.right)
    if _prec(node.left) < p or (node.op == "^" and _prec(node.left) < 5):
        left = f"({left})"
    if _prec(node.right) <= p or isinstance(node.right, Neg) or (
            node.op == "^" and _prec(node.right) < 5):
        right = f"({right})"
    sep = f" {node.op} " if p == 1 else node.op
    return f"{left}{sep}{right}"


_LATEX_FN = {"asin": r"\arcsin", "acos": r"\arccos", "atan": r"\arctan", "log": r"\ln",
             "sign": r"\operatorname{sign}"}


def _latex_fn(fn: str) -> str:
    return _LATEX_FN.get(fn, "\\" + fn)


def _num_latex(v: float) -> str:
    s = _num_text(v)
    if "e" in s:
        mantissa, exponent = s.split("e")
        power = f"10^{{{int(exponent)}}}"
        return power if mantissa == "1" else rf"{mantissa} \cdot {power}"
    return s


def to_latex(node: Node) -> str:
    r"""The formula in LaTeX (without ``$``), e.g. ``\frac{x^{2}}{20} + y^{2}``."""
    if isinstance(node, Num):
        return _num_latex(node.value)
    if isinstance(node, Const):
        return r"\pi" if node.name == "pi" else "e"
    if isinstance(node, Var):
        return node.name
    if isinstance(node, Call):
        arg = to_latex(node.arg)
        if node.fn == "sqrt":
            return rf"\sqrt{{{arg}}}"
        if node.fn == "abs":
            return rf"\left|{arg}\right|"
        return rf"{_latex_fn(node.fn)}\left({arg}\right)"
    if isinstance(node, Neg):
        inner = to_latex(node.arg)
        wrap = _prec(node.arg) == 1 or isinstance(node.arg, Neg)
        return rf"-\left({inner}\right)" if wrap else f"-{inner}"
    left, right = to_latex(node.left), to_latex(node.right)
    if node.op == "/":
        return rf"\frac{{{left}}}{{{right}}}"
    if node.op == "^":
        base, power = node.left, node.right
        if (isinstance(base, Call) and base.fn not in ("sqrt", "abs")
                and isinstance(power, Num) and power.value > 0 and power.value.is_integer()):
            return rf"{_latex_fn(base.fn)}^{{{right}}}\left({to_latex(base.arg)}\right)"
        simple = isinstance(base, (Var, Const)) or (isinstance(base, Num) and "e" not in
                                                    _num_text(base.value))
        return f"{left}^{{{right}}}" if simple else rf"\left({left}\right)^{{{right}}}"
    p = _prec(node)
    if _prec(node.left) < p:
        left = rf"\left({left}\right)"
    if _prec(node.right) < p or isinstance(node.right, Neg) or (
            node.op == "-" and _prec(node.right) == 1):
        right = rf"\left({right}\right)"
    if node.op == "*":
        return f"{left} \\cdot {right}" if right[:1].isdigit() else f"{left} {right}"
    return f"{left} {node.op} {right}"
