"""The command line: the same experiments as the app, as JSON in and out.

    gradscape run CONFIG            run a config (a path, or - for stdin); print the results as JSON
    gradscape render CONFIG -o FILE draw a config (or --preset NAME) as .png, .svg, .pdf or .html
    gradscape list [WHAT] [--json]  list surfaces, optimizers or schedulers with their defaults

Invalid input exits with status 2 and one line ``error: ...`` on stderr. This module must not
import streamlit (start-up time).
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Sequence

import optimizers
import surfaces
from experiment import ConfigError, load, simulate


class UsageError(Exception):
    """Bad command-line input: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage dump
        raise UsageError(message)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        return args.handler(args)
    except (UsageError, ConfigError, ValueError) as exc:
        print(f"error: {exc}".splitlines()[0], file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gradscape", description="See how gradient-based optimizers move.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("run", help="run a config and print the trajectories as JSON")
    p.add_argument("config", help="path to a JSON config, or - for stdin")
    p.set_defaults(handler=_run)

    p = sub.add_parser("render", help="draw a config or preset as a PNG, SVG, PDF or HTML figure")
    p.add_argument("config", nargs="?", help="path to a JSON config, or - for stdin")
    p.add_argument("--preset", help="a named experiment instead of a config (see presets.py)")
    p.add_argument("-o", "--output", required=True, help="file to write: .png, .svg, .pdf or .html")
    p.add_argument("--overlay", action="store_true", help="all runs in one panel")
    p.add_argument("--width", type=int, help="width in pixels (default 1100)")
    p.add_argument("--height", type=int, help="height in pixels (default: from the number of panels)")
    p.set_defaults(handler=_render)

    p = sub.add_parser("list", help="list surfaces, optimizers or schedulers")
    p.add_argument("what", nargs="?", choices=["surfaces", "optimizers", "schedulers"])
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_list)
    return parser


def read_config(path: str) -> Any:
    """The config's JSON text from a file or stdin, as a parsed Config."""
    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    except OSError as exc:
        raise UsageError(f"cannot read config '{path}': {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"config '{path}' is not UTF-8 text") from None
    return load(text)


def _run(args: argparse.Namespace) -> int:
    result = simulate(read_config(args.config))
    json.dump(result.to_dict(), sys.stdout, allow_nan=False)
    sys.stdout.write("\n")
    return 0


def _render(args: argparse.Namespace) -> int:
    import presets   # the figure stack loads only for this command
    from figures import ExportError, to_bytes, trajectory_figure
    from figures.export import FORMATS

    fmt = args.output.rsplit(".", 1)[-1].lower() if "." in args.output else ""
    if fmt not in FORMATS:
        raise UsageError(f"output '{args.output}' must end in {', '.join('.' + f for f in FORMATS)}")
    if (args.config is None) == (args.preset is None):
        raise UsageError("give either a CONFIG file or --preset NAME")
    for name in ("width", "height"):
        value = getattr(args, name)
        if value is not None and not 100 <= value <= 10_000:
            raise UsageError(f"--{name} must be from 100 to 10000 pixels, got {value}")
    config = presets.get(args.preset) if args.preset else read_config(args.config)
    title = presets.title(args.preset) if args.preset else None
    figure = trajectory_figure(simulate(config), overlay=args.overlay, click_grid=False,
                               height=args.height, title=title)
    try:
        data = to_bytes(figure, fmt, width=args.width, height=args.height)
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    try:
        with open(args.output, "wb") as f:
            f.write(data)
    except OSError as exc:
        raise UsageError(f"cannot write '{args.output}': {exc.strerror}") from None
    return 0


def catalogue() -> dict[str, list[dict[str, Any]]]:
    """Everything that exists, with defaults, as JSON-ready lists."""
    def described(cls: Any) -> dict[str, Any]:
        return {"name": cls.name, "summary": cls.summary,
                "params": [{"name": h.name, "default": h.default, "kind": h.kind, "low": h.low,
                            "high": h.high, "help": h.help} for h in cls.hyperparams]}

    listed = []
    for sid in surfaces.names():
        s = surfaces.get(sid)
        listed.append({"id": s.id, "name": s.name, "formula": s.text,
                       "window": [list(w) for w in s.window], "start": list(s.start),
                       "minima": [list(m) for m in s.minima], "min_value": s.min_value,
                       "smooth": s.smooth})
    return {"surfaces": listed,
            "optimizers": [described(c) for c in optimizers.OPTIMIZERS.values()],
            "schedulers": [described(c) for c in optimizers.SCHEDULERS.values()]}


def _list(args: argparse.Namespace) -> int:
    everything = catalogue()
    chosen = {args.what: everything[args.what]} if args.what else everything
    if args.json:
        json.dump(chosen if args.what is None else chosen[args.what], sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    for group, items in chosen.items():
        print(f"{group}:")
        for item in items:
            if group == "surfaces":
                print(f"  {item['id']:<18} {item['formula']}")
            else:
                defaults = ", ".join(f"{p['name']}={p['default']}" for p in item["params"])
                print(f"  {item['name']:<18} {defaults}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
