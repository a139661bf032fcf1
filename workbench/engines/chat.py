"""One structured request to an OpenAI-compatible chat server, in whichever form of structured output the
server takes; the reply read tolerantly.

Servers differ: OpenAI, vLLM, LM Studio and llama.cpp's `llama-server` take `response_format: json_schema`;
llama-cpp-python's server refuses it (500, "Input should be 'text' or 'json_object'") but takes
`json_object` with a `schema` beside it; some servers take neither. `Mode` lists the forms in the order
they are tried (`NEGOTIATION`), `request_options` builds each, `refused` tells a server refusing the form
from any other failure, and `parse_reply` reads what came back: JSON with raw control characters inside
strings, in a code fence or with a trailing comma is repaired (`json_repair`), not rejected.

The reply limit goes as `max_tokens`, which every server of this family honours (langchain sends
`max_completion_tokens`, which llama-cpp-python's server ignores); a server that wants the newer name (OpenAI's
reasoning models) says so in a 400, and `TokenField` records which one it takes.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only its types here: the CLI imports this module for `watching`, and need not load openai
    import openai


class Mode(StrEnum):
    """How a request asks for JSON that matches a schema."""

    JSON_SCHEMA = "json_schema"  # response_format {"type": "json_schema", "json_schema": {...}}
    JSON_OBJECT = "json_object"  # response_format {"type": "json_object", "schema": {...}} (llama.cpp family)
    PROMPT = "prompt"            # no response_format: the schema in the prompt, the reply repaired where needed
    TOOLS = "tools"              # one forced function call whose arguments are the object


NEGOTIATION: tuple[Mode, ...] = (Mode.JSON_SCHEMA, Mode.JSON_OBJECT, Mode.PROMPT, Mode.TOOLS)


class TokenField(StrEnum):
    """The request field that bounds the reply."""

    MAX_TOKENS = "max_tokens"
    MAX_COMPLETION_TOKENS = "max_completion_tokens"


def schema_instruction(schema: dict[str, Any]) -> str:
    """What a mode without a server-side schema adds to the prompt's end: the schema, compact."""
    return ("Reply with one JSON object and nothing else (no prose, no code fence), matching this JSON schema:\n"
            + json.dumps(schema, separators=(",", ":")))


def request_options(mode: Mode, name: str, schema: dict[str, Any], max_tokens: int,
                    token_field: TokenField) -> dict[str, Any]:
    """The keyword arguments of `chat.completions.create` that ask for `schema` in `mode`."""
    options: dict[str, Any] = {token_field.value: max_tokens}
    if mode is Mode.JSON_SCHEMA:
        options["response_format"] = {"type": "json_schema",
                                      "json_schema": {"name": name, "schema": schema, "strict": False}}
    elif mode is Mode.JSON_OBJECT:
        options["response_format"] = {"type": "json_object", "schema": schema}
    elif mode is Mode.TOOLS:
        options["tools"] = [{"type": "function", "function": {"name": name, "description": f"Return the {name}.",
                                                              "parameters": schema}}]
        options["tool_choice"] = {"type": "function", "function": {"name": name}}
    return options


# a server refusing the request's form names the field it refused; any other failure is not a refusal
_REFUSED = re.compile(r"response_format|json_schema|json_object|tool_choice|\btools?\b|function", re.IGNORECASE)
_TOKEN_FIELD = re.compile(r"max_completion_tokens", re.IGNORECASE)


def refused(exc: openai.APIStatusError) -> bool:
    """Whether a 4xx/5xx says the server does not take this form of structured output."""
    return exc.status_code in (400, 422, 500, 501) and bool(_REFUSED.search(_said(exc)))


def wants_completion_tokens(exc: openai.APIStatusError) -> bool:
    """Whether a 400 asks for `max_completion_tokens` instead of `max_tokens` (OpenAI's reasoning models)."""
    return exc.status_code == 400 and "max_tokens" in _said(exc) and bool(_TOKEN_FIELD.search(_said(exc)))


def _said(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        message = error.get("message") if isinstance(error, dict) else error
        return f"{message or ''} {exc.message}"
    return str(exc.message)


# "Requested tokens (5000) exceed context window of 2048" (llama.cpp); "maximum context length is 8192 tokens.
# However, your messages resulted in 9000 tokens" (OpenAI, vLLM)
_CONTEXT = re.compile(r"context (?:window|length|size)|n_ctx|too many tokens|maximum context", re.IGNORECASE)
_WINDOW = re.compile(r"(?:context window of|maximum context length is|n_ctx[^\d]{0,12})\s*(\d+)", re.IGNORECASE)


def context_overflow(exc: openai.APIStatusError) -> tuple[bool, int | None]:
    """Whether a refusal says the prompt does not fit the model's context window, and the window if it says."""
    said = _said(exc)
    if exc.status_code not in (400, 413, 422, 500) or not _CONTEXT.search(said):
        return False, None
    window = _WINDOW.search(said)
    return True, int(window.group(1)) if window else None


# -- the reply -----------------------------------------------------------------------------------------

@dataclass
class Reply:
    """What one request gave: the object (or why there is none), the raw text, the token counts."""

    data: dict[str, Any] | None
    text: str
    problem: str
    finish: str
    input_tokens: int
    output_tokens: int
    cached_tokens: int  # input tokens the server read from its prompt cache


_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def tolerant_json(text: str) -> tuple[dict[str, Any] | None, str]:
    """The JSON object in `text`, repaired where it is nearly JSON; else None and why."""
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    if fenced:
        stripped = fenced.group(1)
    if not stripped:
        return None, "the reply was empty"
    try:
        value = json.loads(stripped, strict=False)  # strict=False: raw control characters inside strings
    except json.JSONDecodeError as exc:
        import json_repair

        repaired = json_repair.loads(stripped)
        if not isinstance(repaired, dict) or not repaired:
            return None, f"the reply is not JSON ({exc.msg} at character {exc.pos})"
        value = repaired
    if not isinstance(value, dict):
        return None, f"the reply is JSON, but a {type(value).__name__}, not an object"
    return value, ""


def parse_reply(mode: Mode, completion: Any) -> Reply:
    """A chat completion as a `Reply`: the tool call's arguments in `Mode.TOOLS`, else the message text."""
    choice = completion.choices[0]
    message = choice.message
    text = message.content or ""
    if mode is Mode.TOOLS and message.tool_calls:
        text = message.tool_calls[0].function.arguments or ""
    data, problem = tolerant_json(text)
    usage = completion.usage
    details = getattr(usage, "prompt_tokens_details", None) if usage else None
    return Reply(data, text, problem, choice.finish_reason or "", usage.prompt_tokens if usage else 0,
                 usage.completion_tokens if usage else 0, (getattr(details, "cached_tokens", None) or 0))


# -- one gate per server: requests in flight and requests per second, across every engine of the process ----

_WATCHERS: list[Callable[[int], None]] = []


@contextmanager
def watching(callback: Callable[[int], None]) -> Iterator[None]:
    """Within the block, `callback(n)` hears the number of requests in flight (all servers) as it changes:
    what a progress bar shows."""
    _WATCHERS.append(callback)
    try:
        yield
    finally:
        _WATCHERS.remove(callback)


def in_flight() -> int:
    """Requests in flight now, to every server."""
    return sum(g.in_flight for g in list(_GATES.values()))


# seconds added to the rate window, for the jitter between a request leaving and a busy server recording its
# arrival (some later than their neighbours): with it the server in benchmarks/llm_concurrency.py saw at most
# the limit in any second
GUARD = 0.1


class Gate:
    """At most `concurrency` calls in flight (`with gate:`) and at most `per_second` HTTP requests started in any
    second (`pace`, from the HTTP client's request hook: every request the client sends, its own retries
    included, at the moment it goes out), for every engine in this process that talks to one server."""

    def __init__(self, concurrency: int, per_second: float | None) -> None:
        self.per_second = per_second
        self._slots = threading.BoundedSemaphore(concurrency)
        self._lock = threading.Lock()
        self._pace = threading.Lock()
        burst = max(1, int(per_second)) if per_second else 1
        self._window = burst / per_second if per_second else 0.0
        self._starts: deque[float] = deque(maxlen=burst)
        self.in_flight = 0

    def pace(self, *_: object) -> None:
        """Wait until one more request may start (an httpx request hook: it takes the request, unused)."""
        if not self.per_second:
            return
        # a sliding window: at most `burst` starts within any `window` seconds (burst / window = per_second),
        # plus GUARD, so a request that reaches the server a little later than its neighbours cannot put one
        # start too many into the server's second
        with self._pace:
            if len(self._starts) == self._starts.maxlen:
                wait = self._starts[0] + self._window + GUARD - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            self._starts.append(time.monotonic())

    def __enter__(self) -> Gate:
        self._slots.acquire()
        self._moved(+1)
        return self

    def __exit__(self, *exc: object) -> None:
        self._moved(-1)
        self._slots.release()

    def _moved(self, step: int) -> None:
        with self._lock:
            self.in_flight += step
        if _WATCHERS:
            count = in_flight()
            for watch in list(_WATCHERS):
                watch(count)


_GATES: dict[tuple[str, int, float | None], Gate] = {}
_GATES_LOCK = threading.Lock()


def gate_for(server: str, concurrency: int, per_second: float | None) -> Gate:
    """The process's gate for one server and these limits (engines of one batch share it)."""
    with _GATES_LOCK:
        return _GATES.setdefault((server, concurrency, per_second), Gate(concurrency, per_second))
