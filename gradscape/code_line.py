"""A pasted line of PyTorch code turned into an optimizer's or scheduler's settings, never run.

    parse("torch.optim.AdamW(model.parameters(), lr=3e-4, betas=(0.9, 0.95), weight_decay=0.1)")
    -> {"name": "AdamW", "params": {"lr": 0.0003, "betas": [0.9, 0.95], "weight_decay": 0.1}}

Python's ``ast`` reads the line; nothing is evaluated. Accepted, and nothing else:

- one call of a known class: an optimizer or scheduler name, bare or after ``torch.optim.``,
  ``optim.``, ``lr_scheduler.``, ``torch.optim.lr_scheduler.`` (and the reference packages
  ``pytorch_optimizer.``, ``lion_pytorch.``, ``schedulefree.`` for theirs);
- its first positional argument (the parameters, or the optimizer a scheduler drives) is ignored,
  whatever it says; for ``Lookahead`` it is the wrapped optimizer's own call, and ``SAM`` takes
  its base optimizer's class as the second positional argument or ``base_optimizer=``, with the
  keywords that are not SAM's going to the base optimizer (as the package does);
- keyword arguments whose values are literals: numbers, True/False/None, short strings, tuples
  and lists of those, a unary minus or plus on a number. torch's switches of code path
  (``foreach``, ``fused``, ``capturable``, ``differentiable``) and a scheduler's ``last_epoch=-1``
  are accepted and dropped: they do not change the rule.

Anything else is refused with ``CodeLineError`` naming what and where (a 1-based column):
an unknown class or keyword, an attribute path outside the whitelist, a call or a name inside
an argument, huge numbers, long text, deep nesting.
"""
from __future__ import annotations

import ast
import math
from typing import Any

import optimizers

MAX_CHARS = 1000
MAX_DEPTH = 8            # brackets inside brackets
MAX_ITEMS = 100          # members of one tuple or list
MAX_STRING = 100
MAX_INT = 2 ** 53        # integers a float64 holds exactly
PREFIXES = {"torch.optim", "optim", "lr_scheduler", "torch.optim.lr_scheduler",
            "pytorch_optimizer", "lion_pytorch", "schedulefree"}
CODE_PATH_SWITCHES = {"foreach", "fused", "capturable", "differentiable"}


class CodeLineError(ValueError):
    """A pasted line that is not (only) a call we can read; the message says where."""


def parse(text: str) -> tuple[str, dict[str, Any]]:
    """("optimizer" or "scheduler", {"name": ..., "params": {...}}) from one line of code."""
    if not isinstance(text, str):
        raise CodeLineError("must be a line of code as text")
    text = text.strip()
    if not text:
        raise CodeLineError("is empty: paste a line such as torch.optim.Adam(model.parameters(), lr=0.1)")
    if len(text) > MAX_CHARS:
        raise CodeLineError(f"is {len(text)} characters long; at most {MAX_CHARS}")
    _check_depth(text)
    if "=" in text.split("(")[0]:                   # "optimizer = torch.optim.Adam(...)"
        text = text.split("=", 1)[1].strip()
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise CodeLineError(f"is not valid Python at column {exc.offset or 1}: {exc.msg}") from None
    except (ValueError, RecursionError, MemoryError) as exc:   # e.g. an int of 5 000 digits
        raise CodeLineError(f"cannot be read: {str(exc)[:80]}") from None
    return _call(tree.body)


def _check_depth(text: str) -> None:
    """Refuse deep nesting before the parser sees it."""
    depth = 0
    for i, ch in enumerate(text):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth > MAX_DEPTH:
            raise CodeLineError(f"nests brackets more than {MAX_DEPTH} deep at column {i + 1}")


def _where(node: ast.AST) -> str:
    return f"at column {getattr(node, 'col_offset', 0) + 1}"


def _class_name(node: ast.AST) -> str:
    """The class a call names: ``Adam``, or ``torch.optim.Adam`` with a whitelisted prefix."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise CodeLineError(f"must call an optimizer or scheduler by name {_where(node)}")
    parts.append(node.id)
    name, prefix = parts[0], ".".join(reversed(parts[1:]))
    if prefix and prefix not in PREFIXES:
        raise CodeLineError(f"'{prefix[:40]}.{name[:40]}' is not allowed {_where(node)}: only "
                            "torch.optim., optim., lr_scheduler. or torch.optim.lr_scheduler. "
                            "may come before an optimizer's or scheduler's name")
    return name


def _call(node: ast.AST) -> tuple[str, dict[str, Any]]:
    if not isinstance(node, ast.Call):
        raise CodeLineError(f"must be one call such as torch.optim.Adam(model.parameters(), "
                            f"lr=0.1) {_where(node)}")
    name = _class_name(node.func)
    if name in optimizers.SCHEDULERS:
        kind, known = "scheduler", optimizers.SCHEDULERS[name]
    elif name in optimizers.ALL_OPTIMIZERS:
        kind, known = "optimizer", optimizers.ALL_OPTIMIZERS[name]
    else:
        raise CodeLineError(f"unknown optimizer or scheduler '{name[:40]}' {_where(node.func)}")
    if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
        raise CodeLineError(f"*args and **kwargs cannot be read {_where(node)}")
    params: dict[str, Any] = {}
    args = list(node.args)
    if name == "Lookahead" and args:
        inner_kind, inner = _call(args[0])
        if inner_kind != "optimizer":
            raise CodeLineError(f"Lookahead wraps an optimizer, not the scheduler "
                                f"{inner['name']} {_where(args[0])}")
        params["optimizer"] = inner
        args = args[1:]
    elif args:
        args = args[1:]            # the parameters (or, for a scheduler, the optimizer)
    if name == "SAM":
        return kind, {"name": name, "params": _sam(node, args, known)}
    if args:
        raise CodeLineError(f"give {name}'s settings as keywords (lr=0.1), not by position "
                            f"{_where(args[0])}")
    own = {h.name for h in known.hyperparams} | _extra_keywords(name)
    for keyword in node.keywords:
        value = _literal(keyword.value, keyword.arg)
        if _dropped(kind, keyword.arg, value):
            continue
        if keyword.arg not in own:
            raise CodeLineError(f"unknown keyword '{keyword.arg[:40]}' for {name} {_where(keyword)}")
        params[keyword.arg] = value
    return kind, {"name": name, "params": params}


def _sam(node: ast.Call, args: list[ast.AST], known: type) -> dict[str, Any]:
    """SAM(params, base_optimizer, rho=..., **base_kwargs): SAM's own keywords, the rest the base's."""
    base = [k.value for k in node.keywords if k.arg == "base_optimizer"]
    if len(args) + len(base) != 1:
        raise CodeLineError(f"SAM needs its base optimizer's class: SAM(params, torch.optim.SGD, "
                            f"rho=0.05, lr=0.1) {_where(node)}")
    base_node = (args or base)[0]
    inner = _class_name(base_node)
    if inner not in optimizers.ALL_OPTIMIZERS:
        raise CodeLineError(f"unknown optimizer '{inner[:40]}' {_where(base_node)}")
    own = {h.name for h in known.hyperparams} - {"optimizer"}
    inner_own = {h.name for h in optimizers.ALL_OPTIMIZERS[inner].hyperparams} | _extra_keywords(inner)
    params: dict[str, Any] = {}
    inner_params: dict[str, Any] = {}
    for keyword in node.keywords:
        if keyword.arg == "base_optimizer":
            continue
        value = _literal(keyword.value, keyword.arg)
        if _dropped("optimizer", keyword.arg, value):
            continue
        if keyword.arg in own:
            params[keyword.arg] = value
        elif keyword.arg in inner_own:
            inner_params[keyword.arg] = value
        else:
            raise CodeLineError(f"unknown keyword '{keyword.arg[:40]}' for SAM or {inner} "
                                f"{_where(keyword)}")
    return {**params, "optimizer": {"name": inner, "params": inner_params}}


def _extra_keywords(name: str) -> set[str]:
    """Keywords a class takes beyond its Hyperparams (accepted in configs, no input in the app)."""
    return {"Muon": {"ns_coefficients", "adjust_lr_fn"}, "CyclicLR": {"mode", "step_size_down"},
            "OneCycleLR": {"anneal_strategy"}}.get(name, set())


def _dropped(kind: str, keyword: str, value: Any) -> bool:
    """torch's code-path switches, and a scheduler's default last_epoch: accepted, not kept."""
    if kind == "optimizer" and keyword in CODE_PATH_SWITCHES and value in (True, False, None):
        return True
    return kind == "scheduler" and keyword == "last_epoch" and value == -1


def _literal(node: ast.AST, keyword: str, depth: int = 0) -> Any:
    """A literal keyword value as JSON-like data; anything else is refused."""
    if isinstance(node, ast.Constant):
        value = node.value
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int):
            if abs(value) > MAX_INT:
                raise CodeLineError(f"'{keyword}': the number is too large {_where(node)}")
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                raise CodeLineError(f"'{keyword}': the number is not finite {_where(node)}")
            return value
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                raise CodeLineError(f"'{keyword}': the text is too long {_where(node)}")
            return value
        raise CodeLineError(f"'{keyword}': {type(value).__name__} is not a value it takes {_where(node)}")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)) \
            and isinstance(node.operand, ast.Constant) and type(node.operand.value) in (int, float):
        value = _literal(node.operand, keyword, depth)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, (ast.Tuple, ast.List)):
        if len(node.elts) > MAX_ITEMS:
            raise CodeLineError(f"'{keyword}': more than {MAX_ITEMS} items {_where(node)}")
        if depth >= 2:
            raise CodeLineError(f"'{keyword}': lists nested too deep {_where(node)}")
        return [_literal(e, keyword, depth + 1) for e in node.elts]
    what = {ast.Call: "a call", ast.Name: "a name", ast.Attribute: "an attribute",
            ast.BinOp: "arithmetic", ast.Lambda: "a lambda"}.get(type(node), "an expression")
    raise CodeLineError(f"'{keyword}': {what} is not allowed {_where(node)}; only literal numbers, "
                        "True/False/None, text, tuples and lists")
