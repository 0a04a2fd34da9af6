"""A class at once: N students on one app server, without browsers, through Streamlit's own protocol.

    .venv/bin/python scripts/load_class.py                      # 40 sessions for 120 s
    .venv/bin/python scripts/load_class.py --sessions 10 --seconds 30 --seed 1 --heavy-fraction 0.1
    .venv/bin/python scripts/load_class.py --find-limit 10,20,40,60,80 --seconds 30

Starts ``streamlit run server.py`` on a free 127.0.0.1 port (``tests/conftest.py``'s ``start_app``)
and opens N websocket sessions on ``/_stcore/stream``, each speaking what Streamlit's frontend
speaks: ``BackMsg.rerun_script`` with a ``ClientState`` (query string, page hash, the hashes of
the cached messages it holds, and the widget states of every widget on its page, as the
frontend's WidgetStateManager keeps them), and ``ForwardMsg``s back, which each session
applies to its own copy of the page's element tree (stale elements cleared at the end of a
run, as the frontend's ClearStaleNodeVisitor does; the state of a widget no longer on the
page dropped). Half the students open the landing page, the other half a shared link
(``?s=...``, ``gradscape.page.url.encode_url`` of the ``--link`` preset).

Each student then, every 2–5 s (seeded), types a new learning rate into the first optimizer's
``lr`` input; one action in ``1 / --heavy-fraction`` opens a heavy view instead (the basin
map or the hyperparameter sweep: the tab bar is the keyed widget ``Key.VIEW``, its value the
tab's label) and the next action goes back to the contour panels. As in the page, an lr change
asks the app's route for the new runs (``GET /gradscape/paths?key=..&typed=NAME:VALUE``, what
the live chart draws at once) while it reruns the chart's fragment; the chart then says it
was drawn (the live chart's ``drawn`` trigger, sent here as soon as the chart's new figure
arrives: no drawing time) and that reruns the rest of the results. A change's time is
measured at the client, from sending it to the last ``script_finished`` it causes; the
route's answer and the chart's fragment are shown too.

Errors (there must be none): an exception element on the page, a compile error, a dropped
connection, a change with no finish within ``--timeout`` s. "Busy" counts the limiter's
"server is busy" notes (``gradscape/page/limits.py``). The server's CPU (of one core: 200 %
is both cores) and memory are sampled from /proc every second, with the machine's.

Bounded: at most 200 sessions, 600 s per run, one request in flight per session; a watchdog
ends a run that hangs; the server is stopped at the end. Loopback only. Prints one table;
with ``--find-limit``, one row per session count and the count at which p95 passes 1 s.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import json
import logging
import os
import random
import statistics
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from conftest import start_app  # noqa: E402

# The page's modules are imported here outside a script run; Streamlit warns about that once.
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True
from gradscape import presets  # noqa: E402
from gradscape.page.keys import Key, css_key  # noqa: E402
from gradscape.page.settings import View  # noqa: E402
from gradscape.page.url import URL_PARAM, encode_url  # noqa: E402
from gradscape.page.views import basin, paths, sweep  # noqa: E402

MAX_SESSIONS, MAX_SECONDS = 200, 600.0
THINK = (2.0, 5.0)             # seconds between a student's actions
HEAVY_TABS = (basin.TAB.label, sweep.TAB.label)
HOME_TAB = paths.TAB.label
BUSY_TEXT = "server is busy"
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
CONTEXT = {"timezone": "UTC", "timezone_offset": 0, "locale": "en-US", "is_embedded": False,
           "color_scheme": "light"}


# --- the page as a browser holds it -----------------------------------------------------------

class Node:
    """One node of the element tree: an element, or a block and its children by index."""

    __slots__ = ("element", "block", "children", "run", "fragment")

    def __init__(self, element=None, block=None, children=None, run="", fragment=""):
        self.element, self.block, self.run, self.fragment = element, block, run, fragment
        self.children: dict[int, Node] = children if children is not None else {}

    def walk(self) -> Iterator[tuple["Node", str]]:
        """Every node below this one, in page order, with its delta's fragment id."""
        for index in sorted(self.children):
            child = self.children[index]
            yield child, child.fragment
            yield from child.walk()


def clear_stale(node: Node, run: str, fragments: list[str], fragment_of_block: str = "") -> Node | None:
    """The node without what the run ``run`` did not send again (the frontend's
    ClearStaleNodeVisitor): after a full run everything older goes; after a fragment run only
    what belongs to a block the fragment redrew."""
    if node.block is None:
        if fragments and (not node.fragment or not fragment_of_block or node.run == run):
            return node
        return node if node.run == run else None
    inner = fragment_of_block
    if not fragments:
        if node.run != run:
            return None
    else:
        if fragment_of_block and node.run != run:
            return None
        if node.fragment and node.fragment in fragments and node.run == run:
            inner = node.fragment
    kept = {}
    for index, child in node.children.items():
        cleared = clear_stale(child, run, fragments, inner)
        if cleared is not None:
            kept[index] = cleared
    node.children = kept
    return node


def mount_value(element) -> tuple[str, str, Any, bool, Any] | None:
    """(widget id, WidgetState field, default, set_value, value) of a widget element as its
    frontend widget registers it on mount; None for an element that registers nothing then
    (text, buttons, which only send triggers, the file uploader, custom components)."""
    kind = element.WhichOneof("type")
    p = getattr(element, kind)
    if kind == "number_input":
        name = "int_value" if p.data_type == NumberInput.INT else "double_value"
        return (p.id, name, p.default if p.HasField("default") else None, p.set_value,
                p.value if p.HasField("value") else None)
    if kind == "selectbox":
        default = p.options[p.default] if p.HasField("default") and p.default < len(p.options) else None
        return p.id, "string_value", default, p.set_value, p.raw_value if p.HasField("raw_value") else None
    if kind in ("text_input", "text_area"):
        return (p.id, "string_value", p.default if p.HasField("default") else None, p.set_value,
                p.value if p.HasField("value") else None)
    if kind == "checkbox":
        return p.id, "bool_value", p.default, p.set_value, p.value
    if kind == "slider":
        return p.id, "double_array_value", list(p.default), p.set_value, list(p.value)
    return None


@dataclass
class Page:
    """What one browser tab knows: the element tree, the widget states, the message cache."""

    roots: dict[int, Node] = field(default_factory=dict)
    states: dict[str, tuple[str, Any]] = field(default_factory=dict)    # id -> (field, value)
    cache: dict[str, list] = field(default_factory=dict)               # hash -> [msg, runs old]
    max_age: int = 2
    run: str = ""
    fragments: list[str] = field(default_factory=list)
    query: str = ""
    page_hash: str = ""
    problems: list[str] = field(default_factory=list)                 # exceptions shown
    busy: int = 0
    drawn: list[tuple[str, str, str]] = field(default_factory=list)   # (trigger id, value, fragment)

    def receive(self, msg: ForwardMsg) -> ForwardMsg:
        """Resolve a cached reference; keep a cacheable message."""
        if msg.WhichOneof("type") == "ref_hash":
            entry = self.cache.get(msg.ref_hash)
            if entry is None:
                raise RuntimeError(f"a reference to a message not in the cache: {msg.ref_hash}")
            entry[1] = 0
            resolved = ForwardMsg()
            resolved.CopyFrom(entry[0])
            resolved.metadata.CopyFrom(msg.metadata)
            return resolved
        if msg.metadata.cacheable and msg.hash:
            self.cache[msg.hash] = [msg, 0]
        return msg

    def start_run(self, msg: ForwardMsg) -> None:
        self.run = msg.metadata.run.script_run_id
        self.fragments = list(msg.metadata.run.fragment_ids)
        self.page_hash = msg.new_session.page_script_hash or self.page_hash
        if msg.new_session.config.max_cached_message_age:
            self.max_age = msg.new_session.config.max_cached_message_age

    def delta(self, msg: ForwardMsg) -> None:
        """Put a new element or block where the delta's path says; the ancestors are touched."""
        path, delta = list(msg.metadata.delta_path), msg.delta
        kind = delta.WhichOneof("type")
        if kind not in ("new_element", "add_block") or len(path) < 2:
            return
        parent = self.roots.setdefault(path[0], Node(block=True))
        parent.run = self.run
        for index in path[1:-1]:
            parent = parent.children.setdefault(index, Node(block=True, fragment=delta.fragment_id))
            parent.run = self.run
        old = parent.children.get(path[-1])
        if kind == "new_element":
            parent.children[path[-1]] = Node(element=delta.new_element, run=self.run, fragment=delta.fragment_id)
            self.mount(delta.new_element, delta.fragment_id, old)
        else:
            same = old is not None and old.block is not None and old.block is not True and \
                old.block.WhichOneof("type") == delta.add_block.WhichOneof("type")
            parent.children[path[-1]] = Node(block=delta.add_block, children=old.children if same else None,
                                             run=self.run, fragment=delta.fragment_id)

    def mount(self, element, fragment: str, old: Node | None) -> None:
        """Register a widget's value as its frontend widget does; note exceptions, busy notes and
        a live chart that will say it was drawn."""
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.problems.append(f"{element.exception.type}: {element.exception.message}"[:300])
        elif kind == "alert" and BUSY_TEXT in element.alert.body:
            self.busy += 1
        elif kind == "bidi_component" and element.bidi_component.json:
            before = old.element.bidi_component.json if old and old.element is not None and \
                old.element.WhichOneof("type") == "bidi_component" else None
            notify = json.loads(element.bidi_component.json).get("notify")
            if notify and element.bidi_component.json != before:     # livechart.js: drawn()
                self.drawn.append((f"$$STREAMLIT_INTERNAL_KEY_{element.bidi_component.id}__events",
                                   json.dumps([{"event": "drawn", "value": notify}]), fragment))
        mounted = mount_value(element)
        if mounted is None:
            return
        wid, name, default, set_value, value = mounted
        if set_value:
            self.states[wid] = (name, value)
        elif wid not in self.states:
            self.states[wid] = (name, default)

    def finish(self, status: int) -> None:
        """A run ended: clear stale elements, drop the states of widgets gone, age the cache."""
        if status in FINISHED:
            for index in list(self.roots):
                root = self.roots[index]
                root.run = self.run if not self.fragments else root.run
                clear_stale(root, self.run, self.fragments)
            self.register_tabs()
            active = {wid for wid, _, _ in self.widgets()}
            self.states = {k: v for k, v in self.states.items() if k in active}
        for key in list(self.cache):
            self.cache[key][1] += 1
            if self.cache[key][1] > self.max_age:
                del self.cache[key]

    def widgets(self) -> Iterator[tuple[str, Node, str]]:
        """(id, node, fragment id) of every widget on the page, in page order."""
        for index in sorted(self.roots):
            for node, fragment in self.roots[index].walk():
                if node.element is not None:
                    kind = node.element.WhichOneof("type")
                    wid = getattr(getattr(node.element, kind), "id", "")
                elif node.block is not True and node.block.WhichOneof("type") == "tab_container":
                    wid = node.block.tab_container.id if node.block.tab_container.HasField("id") else ""
                else:
                    wid = ""
                if wid:
                    yield wid, node, fragment

    def register_tabs(self) -> None:
        """A keyed tab bar's value is the open tab's label."""
        for wid, node, _ in self.widgets():
            if node.block is not None and wid not in self.states:
                tab = node.children.get(node.block.tab_container.default_tab_index)
                if tab is not None and tab.block is not True:
                    self.states[wid] = ("string_value", tab.block.tab.label)

    def find(self, suffix: str) -> tuple[str, Node, str] | None:
        """The first widget whose id ends with ``suffix``."""
        return next((w for w in self.widgets() if w[0].endswith(suffix)), None)

    def first_lr(self) -> tuple[str, Node, str] | None:
        """The first optimizer line's lr input (keys.param_key(uid, "opt", owner, "lr"))."""
        return next((w for w in self.widgets() if ".opt." in w[0] and w[0].endswith(".lr")), None)

    def chart_figure(self) -> dict | None:
        """The live trajectory chart's Plotly figure (``Key.CHART``) as JSON data, or None."""
        found = self.find(f"-{Key.CHART}")
        if found is None or found[1].element is None:
            return None
        data = json.loads(found[1].element.bidi_component.json)
        return json.loads(data["figure"]) if data.get("figure") else None

    def rerun_msg(self, fragment: str = "", extra: WidgetState | None = None) -> bytes:
        """BackMsg.rerun_script with every widget's value (and a trigger, sent once)."""
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string, cs.page_script_hash, cs.fragment_id = self.query, self.page_hash, fragment
        cs.cached_message_hashes.extend(self.cache)
        for key, value in CONTEXT.items():
            setattr(cs.context_info, key, value)
        for wid, (name, value) in self.states.items():
            ws = cs.widget_states.widgets.add()
            ws.id = wid
            if value is None:
                continue
            if name == "double_array_value":
                ws.double_array_value.data.extend(value)
            elif name == "int_value":                  # the proto carries an int input's numbers as doubles
                ws.int_value = int(value)
            else:
                setattr(ws, name, value)
        if extra is not None:
            cs.widget_states.widgets.add().CopyFrom(extra)
        return msg.SerializeToString()


def trace_xy(figure: dict, name: str) -> tuple[list[float], list[float]] | None:
    """The x and y of the figure's first trace called ``name`` (plain lists or Plotly's
    base64 typed arrays)."""
    import numpy as np

    def values(v: Any) -> list[float]:
        if isinstance(v, dict) and "bdata" in v:
            return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
        return list(v)

    for trace in figure.get("data", []):
        if trace.get("name") == name and "x" in trace:
            return values(trace["x"]), values(trace["y"])
    return None


# --- one student ------------------------------------------------------------------------------

@dataclass
class Action:
    """One thing a student did: its kind, seconds to the last finish, and to the chart's."""

    kind: str                  # "lr", "heavy", "home"
    seconds: float
    chart: float | None = None
    route: float | None = None     # an lr change: the route's answer (what the chart draws first)


class Failure(Exception):
    """Something a browser would show as broken: no answer in time, a dropped connection."""


class Student:
    """One session: a websocket, the page it holds, its actions and what went wrong."""

    def __init__(self, index: int, url: str, query: str, rng: random.Random, timeout: float) -> None:
        self.index, self.rng, self.timeout = index, rng, timeout
        self.ws_url = url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.http_url = url
        self.page = Page(query=query)
        self.actions: list[Action] = []
        self.errors: list[str] = []
        self.opened: float | None = None
        self.base_lr: float | None = None
        self.ws = None
        self._finished: asyncio.Queue[int | None] = asyncio.Queue()
        self._reader: asyncio.Task | None = None

    async def open(self) -> None:
        """Connect (as a browser: no pings of its own) and run the page once."""
        t0 = time.perf_counter()
        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None,
                                           ping_interval=None, open_timeout=self.timeout)
        self._reader = asyncio.create_task(self._read())
        await self._request(self.page.rerun_msg())
        self.opened = time.perf_counter() - t0
        lr = self.page.first_lr()
        if lr is None or self.page.chart_figure() is None:
            raise Failure(f"the page came without its {'lr input' if lr is None else 'chart'} "
                          f"({len(list(self.page.widgets()))} widgets)")
        self.base_lr = self.page.states[lr[0]][1]

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self._handle(self.page.receive(msg))
        except websockets.ConnectionClosed:
            pass
        finally:
            await self._finished.put(None)

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.page.start_run(msg)
        elif kind == "delta":
            self.page.delta(msg)
        elif kind == "page_info_changed":
            self.page.query = msg.page_info_changed.query_string
        elif kind == "session_event" and msg.session_event.WhichOneof("type") == "script_compilation_exception":
            self.page.problems.append("script compilation error")
        elif kind == "script_finished":
            self.page.finish(msg.script_finished)
            if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                self._finished.put_nowait(msg.script_finished)

    async def _request(self, payload: bytes) -> float | None:
        """Send one rerun request and wait for its run to finish; then, as the browser does once
        the new chart is drawn, the chart's ``drawn`` trigger, and wait for that run too.
        Returns the seconds to the first finish when there was a second run (else None)."""
        t0 = time.perf_counter()
        self.page.drawn.clear()
        await self._send_and_wait(payload)
        if not self.page.drawn:
            return None
        first = time.perf_counter() - t0
        trigger_id, value, fragment = self.page.drawn.pop()
        self.page.drawn.clear()
        trigger = WidgetState(id=trigger_id, json_trigger_value=value)
        await self._send_and_wait(self.page.rerun_msg(fragment, trigger))
        return first

    async def _send_and_wait(self, payload: bytes) -> None:
        try:
            await self.ws.send(payload)
            status = await asyncio.wait_for(self._finished.get(), self.timeout)
        except TimeoutError:
            raise Failure(f"no script_finished within {self.timeout:g} s") from None
        except websockets.ConnectionClosed:
            status = None
        if status is None:
            raise Failure("the connection was closed")
        if status not in FINISHED:
            raise Failure(f"the run ended with status {ForwardMsg.ScriptFinishedStatus.Name(status)}")

    async def act(self, kind: str) -> None:
        """One timed action: a new lr, a heavy view, or back to the contour panels."""
        if kind == "lr":
            wid, node, fragment = self.page.first_lr()
            name = self.page.states[wid][0]
            value = float(f"{self.base_lr * (0.6 + 0.8 * self.rng.random()):.4g}")
            self.page.states[wid] = (name, value)
        else:
            wid, node, fragment = self.page.find(f"-{Key.VIEW}")
            label = self.rng.choice(HEAVY_TABS) if kind == "heavy" else HOME_TAB
            self.page.states[wid] = ("string_value", label)
        t0 = time.perf_counter()
        asked = asyncio.create_task(self._typed(wid, value)) if kind == "lr" else None
        chart = await self._request(self.page.rerun_msg(fragment))
        seconds = time.perf_counter() - t0
        route = await asked if asked is not None else None
        self.actions.append(Action(kind, seconds, chart, route))
        self.collect(kind)

    async def _typed(self, wid: str, value: float) -> float | None:
        """What the live chart does beside the rerun when a number is typed: ask the app's route
        for the new runs. Seconds to a drawable answer (None when the chart offers no route)."""
        found = self.page.find(f"-{Key.CHART}")
        drag = json.loads(found[1].element.bidi_component.json).get("drag") if found and found[1].element else None
        name = css_key(wid.split("-", 2)[2])           # the widget's id: $$ID-<hash>-<key>
        if not drag or name not in drag.get("inputs", ()):
            return None
        query = urllib.parse.urlencode([("key", drag["key"]), ("typed", f"{name}:{value!r}")])
        t0 = time.perf_counter()
        try:
            answer = await asyncio.to_thread(self._get, f"{self.http_url}/{drag['address']}?{query}")
        except (OSError, ValueError) as exc:
            self.errors.append(f"session {self.index}: the route failed: {exc}")
            return None
        if "data" not in answer:
            self.errors.append(f"session {self.index}: the route drew nothing: {answer}")
            return None
        return time.perf_counter() - t0

    def _get(self, url: str) -> dict:
        with urllib.request.urlopen(url, timeout=self.timeout) as response:
            return json.loads(response.read())

    def collect(self, kind: str) -> None:
        """The exceptions the page showed since the last look, as errors."""
        for problem in self.page.problems:
            self.errors.append(f"session {self.index}, {kind}: exception shown: {problem}")
        self.page.problems.clear()

    async def run(self, start_at: float, deadline: float, heavy_fraction: float) -> None:
        """Open the page at ``start_at``, then act every 2-5 s until ``deadline``."""
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        try:
            await self.open()
            self.collect("open")
            kind = "lr"
            while time.monotonic() + THINK[0] < deadline:
                await asyncio.sleep(self.rng.uniform(*THINK))
                if time.monotonic() >= deadline:
                    break
                kind = "home" if kind == "heavy" else ("heavy" if self.rng.random() < heavy_fraction else "lr")
                await self.act(kind)
        except Failure as exc:
            self.errors.append(f"session {self.index}: {exc}")
        except (OSError, websockets.InvalidHandshake) as exc:
            self.errors.append(f"session {self.index}: could not connect: {exc}")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await self._reader


# --- the server's CPU and memory ----------------------------------------------------------------

TICK, PAGE = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")


def server_pids() -> list[int]:
    """This process's descendants whose command line names streamlit (the app's server)."""
    parents: dict[int, int] = {}
    cmds: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmds[int(entry.name)] = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            parents[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
    found, todo = [], [os.getpid()]
    while todo:
        pid = todo.pop()
        for child, parent in parents.items():
            if parent == pid:
                todo.append(child)
                if "streamlit" in cmds.get(child, ""):
                    found.append(child)
    return found


def cpu_and_rss(pids: list[int]) -> tuple[float, int]:
    """CPU seconds used so far and resident bytes now, summed over ``pids``."""
    cpu, rss = 0.0, 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            rss += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except OSError:
            continue
        cpu += (int(fields[11]) + int(fields[12])) / TICK
    return cpu, rss


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class Monitor:
    """Samples the server's CPU (% of one core) and RSS, and the machine's busy share, each second."""

    def __init__(self) -> None:
        self.pids = server_pids()
        self.cpu: list[float] = []
        self.rss: list[int] = []
        self.machine: list[float] = []
        self.own_cpu = 0.0

    async def sample(self, until: asyncio.Event, every: float = 1.0) -> None:
        own0 = time.process_time()
        last, last_t, last_m = cpu_and_rss(self.pids)[0], time.monotonic(), machine_busy()
        while not until.is_set():
            try:
                await asyncio.wait_for(until.wait(), every)
            except TimeoutError:
                pass
            cpu, rss = cpu_and_rss(self.pids)
            now, m = time.monotonic(), machine_busy()
            self.cpu.append(100 * (cpu - last) / max(now - last_t, 1e-9))
            self.rss.append(rss)
            self.machine.append(100 * (m[0] - last_m[0]) / max(m[1] - last_m[1], 1))
            last, last_t, last_m = cpu, now, m
        self.own_cpu = time.process_time() - own0


# --- a class ----------------------------------------------------------------------------------

def shared_link(preset: str) -> str:
    """The query string of a link a teacher shares: ``?s=`` of the preset, contour panels open."""
    return f"{URL_PARAM}={encode_url(presets.get(preset), View(preset=preset))}"


@dataclass
class Outcome:
    """A class's run: every student, the samples, the time it took."""

    students: list[Student]
    monitor: Monitor
    seconds: float
    load: tuple[tuple[float, ...], tuple[float, ...]]

    @property
    def errors(self) -> list[str]:
        return [e for s in self.students for e in s.errors]

    def times(self, kind: str, part: str = "seconds") -> list[float]:
        return [getattr(a, part) for s in self.students for a in s.actions
                if a.kind == kind and getattr(a, part) is not None]


async def run_class(url: str, sessions: int, seconds: float, seed: int = 0, heavy_fraction: float = 0.1,
                    ramp: float = 10.0, timeout: float = 30.0, link: str = "rosenbrock") -> Outcome:
    """``sessions`` students on the app at ``url`` for ``seconds`` (their openings spread over
    the first ``ramp`` s); returns when every student has stopped and closed its connection."""
    link_query = shared_link(link)
    students = [Student(i, url, "" if i % 2 == 0 else link_query, random.Random(seed * 1_000_003 + i), timeout)
                for i in range(sessions)]
    load0 = os.getloadavg()
    monitor, stop = Monitor(), asyncio.Event()
    sampler = asyncio.create_task(monitor.sample(stop))
    t0 = time.monotonic()
    arrivals = random.Random(seed)
    starts = sorted(arrivals.uniform(0, ramp) for _ in students)
    try:
        await asyncio.gather(*(s.run(t0 + start, t0 + seconds, heavy_fraction)
                               for s, start in zip(students, starts)))
    finally:
        elapsed = time.monotonic() - t0
        stop.set()
        await sampler
        await asyncio.gather(*(s.close() for s in students), return_exceptions=True)
    return Outcome(students, monitor, elapsed, (load0, os.getloadavg()))


def quantiles(values: list[float]) -> str:
    """"p50 / p95 / max" in ms, or "-"."""
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0] * 1000:.0f} ms (one)"
    q = statistics.quantiles(values, n=100, method="inclusive")
    return f"{q[49] * 1000:.0f} / {q[94] * 1000:.0f} / {max(values) * 1000:.0f} ms"


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94] if len(values) > 1 else \
        (values[0] if values else float("nan"))


def report(out: Outcome, args: argparse.Namespace) -> None:
    """The summary table of one run."""
    m, mib = out.monitor, 1024 * 1024
    opened = [s.opened for s in out.students if s.opened is not None]
    rows = [
        ("sessions, seconds, seed, heavy fraction",
         f"{len(out.students)}, {out.seconds:.0f} s, {args.seed}, {args.heavy_fraction:g}"),
        ("pages opened (landing / shared link)", f"{len(opened)} of {len(out.students)}: {quantiles(opened)}"),
        ("lr changes: n, p50 / p95 / max", f"{len(out.times('lr'))}: {quantiles(out.times('lr'))}"),
        ("  the route's answer, drawn at once", quantiles(out.times("lr", "route"))),
        ("  the chart's fragment", quantiles(out.times("lr", "chart"))),
        ("heavy views opened (basin map, sweep)", f"{len(out.times('heavy'))}: {quantiles(out.times('heavy'))}"),
        ("back to the contour panels", f"{len(out.times('home'))}: {quantiles(out.times('home'))}"),
        ("errors (exceptions, disconnects, timeouts)", str(len(out.errors))),
        ("'server busy' notes (limits.HEAVY)", str(sum(s.page.busy for s in out.students))),
        ("server CPU, % of one core: mean / max",
         f"{statistics.fmean(m.cpu):.0f} / {max(m.cpu):.0f}" if m.cpu else "-"),
        ("server RSS: first / max / last",
         f"{m.rss[0] / mib:.0f} / {max(m.rss) / mib:.0f} / {m.rss[-1] / mib:.0f} MiB" if m.rss else "-"),
        ("machine busy (all cores): mean", f"{statistics.fmean(m.machine):.0f} %" if m.machine else "-"),
        ("this load generator's CPU", f"{m.own_cpu:.0f} s ({100 * m.own_cpu / max(out.seconds, 1e-9):.0f} % of one core)"),
        ("load average before / after",
         " ".join(f"{v:.2f}" for v in out.load[0]) + " / " + " ".join(f"{v:.2f}" for v in out.load[1])
         + f" ({os.cpu_count()} cores)"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\nA class at once: {len(out.students)} sessions through Streamlit's websocket protocol "
          "(ms: client-side, send -> last script_finished)")
    print(f"| {'measure'.ljust(width)} | value |\n|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")
    for line in out.errors[:10]:
        print(f"  {line}")


# --- the limit --------------------------------------------------------------------------------

def bound_by(out: Outcome) -> str:
    """What the numbers say holds the class back (a reading, not a proof)."""
    m = out.monitor
    server, machine = (statistics.fmean(m.cpu) if m.cpu else 0.0), (statistics.fmean(m.machine) if m.machine else 0.0)
    if sum(s.page.busy for s in out.students):
        return "the limiter: requests waited longer than limits.WAIT for one of limits.HEAVY's slots"
    if machine >= 90:
        return (f"CPU: the machine's cores are saturated ({machine:.0f} % busy; the server takes "
                f"{server:.0f} % of one core, the rest is this generator and everything else)")
    if server >= 75:
        return (f"one core, the GIL: the server (one Python process) runs at {server:.0f} % of one core "
                f"while the machine is {machine:.0f} % busy")
    return f"neither CPU nor the limiter ({server:.0f} % of one core, machine {machine:.0f} % busy): waiting"


async def watched(url: str, n: int, args: argparse.Namespace) -> Outcome:
    """One run under a watchdog: the run's time, the ramp, two timeouts and a minute to close."""
    limit = args.seconds + args.ramp + 2 * args.timeout + 60
    try:
        return await asyncio.wait_for(run_class(url, n, args.seconds, args.seed, args.heavy_fraction,
                                                args.ramp, args.timeout, args.link), limit)
    except TimeoutError:
        raise SystemExit(f"load_class: gave up after {limit:.0f} s (something hung)") from None


def find_limit(counts: list[int], args: argparse.Namespace) -> None:
    """Step the class size, a fresh server each step; stop once the lr changes' p95 passes 1 s."""
    print(f"| sessions | lr changes | lr p50 / p95 / max | route p50 / p95 / max | heavy p50 / p95 / max "
          f"| errors | busy | server CPU % (one core) | machine busy % | load average |\n|{'---|' * 10}")
    limit = None
    for n in counts:
        with start_app() as url:
            out = asyncio.run(watched(url, n, args))
        m, lr = out.monitor, out.times("lr")
        print(f"| {n} | {len(lr)} | {quantiles(lr)} | {quantiles(out.times('lr', 'route'))} "
              f"| {quantiles(out.times('heavy'))} | {len(out.errors)} "
              f"| {sum(s.page.busy for s in out.students)} | {statistics.fmean(m.cpu):.0f} "
              f"| {statistics.fmean(m.machine):.0f} | {out.load[1][0]:.2f} |", flush=True)
        if lr and p95(lr) > 1.0:
            limit = (n, out)
            break
    if limit is None:
        print(f"\np95 of the lr changes stayed under 1 s up to {counts[-1]} sessions.")
    else:
        print(f"\np95 of the lr changes passes 1 s at {limit[0]} sessions; bound by {bound_by(limit[1])}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=40, help="concurrent students (default 40)")
    parser.add_argument("--seconds", type=float, default=120.0, help="length of a run (default 120)")
    parser.add_argument("--seed", type=int, default=0, help="seeds the think times, values and views")
    parser.add_argument("--heavy-fraction", type=float, default=0.1,
                        help="share of actions that open the basin map or the sweep (default 0.1)")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which students arrive")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds a request may take")
    parser.add_argument("--link", default="rosenbrock", choices=sorted(presets.PRESETS),
                        help="the preset the shared link opens (odd-numbered students)")
    parser.add_argument("--find-limit", metavar="N,N,...",
                        help="step the class size (e.g. 10,20,40,60,80), --seconds each")
    args = parser.parse_args()
    counts = [int(c) for c in args.find_limit.split(",")] if args.find_limit else [args.sessions]
    if not all(1 <= c <= MAX_SESSIONS for c in counts):
        parser.error(f"sessions must be from 1 to {MAX_SESSIONS}")
    if not 5 <= args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be from 5 to {MAX_SECONDS:g}")
    if not 0 <= args.heavy_fraction <= 1:
        parser.error("--heavy-fraction must be from 0 to 1")
    if not 0 <= args.ramp < args.seconds or not 1 <= args.timeout <= 120:
        parser.error("--ramp must be from 0 to --seconds, --timeout from 1 to 120")
    if args.find_limit:
        find_limit(counts, args)
        return
    with start_app() as url:
        out = asyncio.run(watched(url, args.sessions, args))
    report(out, args)
    sys.exit(1 if out.errors else 0)


if __name__ == "__main__":
    main()
