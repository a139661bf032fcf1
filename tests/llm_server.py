"""A real HTTP server on loopback that speaks OpenAI's /v1/chat/completions, for the LLM engine's tests.

The real openai client runs over a socket against it. It answers structured-output
requests like a small, obedient model (built from the sentence ids and brief lines in the prompt), records
every request so tests can assert what was sent, and can be scripted to fail: invalid JSON, 429, 500, a
slow reply, an unknown model, or a custom reply. Hostile or broken servers too: a 400 or 403 that echoes the
request's Authorization header (as some gateways do), a 200 with empty, null or missing `choices`, a 200 that
carries an `error` object, and a proxy's HTML login page served with 200 (directly, or after a redirect).

Like real servers it takes only some forms of structured output (`modes`; the others are refused with
llama-cpp-python's own 500), lists its models at `GET /v1/models` when given `models`, answers after `delay`
seconds (requests are served concurrently, and `started` records when each arrived), and reports as
`cached_tokens` the prompt prefix it has already seen (a provider's prompt cache, in characters / 4).
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>Proxy login</body></html>"


class FakeOpenAIServer:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: list[str | Callable[[dict[str, Any]], str]] = []  # consumed one per request
        self.slow_seconds = 3.0
        self.echo_prefix = ""  # text before the echoed credentials (to move them across a message's cut)
        self.modes = {"json_schema", "json_object", "prompt", "tools"}  # the forms of structured output it takes
        self.models: list[str] | None = None  # what GET /v1/models lists (None: the endpoint is missing)
        self.delay = 0.0  # seconds before every answer
        self.started: list[float] = []  # time.monotonic() at each request's arrival
        self.seen_prompts: list[str] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                arrived = time.monotonic()  # before the lock: another request's work must not delay the record
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with server.lock:
                    server.started.append(arrived)
                    server.requests.append({"path": self.path, "body": body,
                                            "auth": self.headers.get("authorization", "")})
                    step = server.script.pop(0) if server.script else "ok"
                if not self.path.endswith("/chat/completions"):
                    return self._send(404, {"error": {"message": "not found"}})
                mode = server.mode_of(body)
                if mode not in server.modes:  # as llama-cpp-python's server refuses json_schema
                    return self._send(500, {"error": {"message": "1 validation error: {'loc': ('body', "
                                                      "'response_format', 'type'), 'msg': \"Input should be 'text' or "
                                                      "'json_object'\"}", "type": "internal_server_error"}})
                if server.delay:
                    time.sleep(server.delay)
                if step == "429":
                    return self._send(429, {"error": {"message": "Rate limit reached", "type": "rate_limit"}},
                                      {"retry-after-ms": "10"})
                if step == "500":
                    return self._send(500, {"error": {"message": "boom", "type": "server_error"}})
                if step == "unknown_model":
                    return self._send(404, {"error": {"message": f"model '{body.get('model')}' not found",
                                                      "type": "invalid_request_error", "code": "model_not_found"}})
                if step in ("echo_400", "echo_403"):
                    return self._send(int(step[-3:]), {"error": {
                        "message": f"{server.echo_prefix}bad request; you sent Authorization: "
                                   f"{server.requests[-1]['auth']}"
                                   f" ({server.credentials(server.requests[-1]['auth'])})",
                        "type": "invalid_request_error"}})
                if step == "html":
                    return self._send_raw(200, LOGIN_PAGE, "text/html; charset=utf-8")
                if step == "redirect_to_login":
                    return self._send_raw(302, b"", "text/plain", {"location": "/login"})
                if step in ("empty_choices", "null_choices", "no_choices", "error_200"):
                    payload: dict[str, Any] = {"id": "chatcmpl-x", "object": "chat.completion", "created": 0,
                                               "model": body.get("model")}
                    if step == "error_200":
                        payload["error"] = {"message": "upstream model crashed", "type": "server_error"}
                    elif step != "no_choices":
                        payload["choices"] = [] if step == "empty_choices" else None
                    return self._send(200, payload)
                if step == "slow":
                    time.sleep(server.slow_seconds)
                if step == "wants_completion_tokens":  # OpenAI's words for a reasoning model given max_tokens
                    return self._send(400, {"error": {
                        "message": "Unsupported parameter: 'max_tokens' is not supported with this model. Use "
                                   "'max_completion_tokens' instead.", "type": "invalid_request_error",
                        "param": "max_tokens", "code": "unsupported_parameter"}})
                if step == "context_overflow":  # llama-cpp-python's words for a prompt over n_ctx
                    return self._send(400, {"error": {"message": "Requested tokens (9120) exceed context window of "
                                                                 "2048", "type": "invalid_request_error"}})
                finish = "stop"
                if step == "invalid_json":
                    content = "Sure! Here is the draft: {parts: [oops"
                elif step == "cut_off":  # the reply limit reached mid-object
                    content, finish = '{"parts": ["Batching saves', "length"
                elif callable(step):
                    content = step(body)
                else:
                    content = server.answer(body)
                prompt = "".join(str(m.get("content", "")) for m in body.get("messages", []))
                prompt_tokens = len(prompt) // 4
                with server.lock:
                    seen_before = list(server.seen_prompts)
                    server.seen_prompts.append(prompt)
                cached = max((_common_prefix(prompt, seen) for seen in seen_before), default=0) // 4
                completion_tokens = max(len(content) // 4, 1)
                message: dict[str, Any] = {"role": "assistant", "content": content}
                if mode == "tools":
                    name = body["tools"][0]["function"]["name"]
                    message = {"role": "assistant", "content": None, "tool_calls": [
                        {"id": "call_1", "type": "function", "function": {"name": name, "arguments": content}}]}
                return self._send(200, {
                    "id": f"chatcmpl-{len(server.requests)}", "object": "chat.completion", "created": 0,
                    "model": body.get("model"),
                    "choices": [{"index": 0, "finish_reason": finish, "message": message}],
                    "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                              "total_tokens": prompt_tokens + completion_tokens,
                              "prompt_tokens_details": {"cached_tokens": cached}}})

            def do_GET(self) -> None:  # noqa: N802 (the models list; else the login page a redirect leads to)
                if self.path.endswith("/models") and server.models is not None:
                    return self._send(200, {"object": "list", "data": [{"id": m, "object": "model"}
                                                                        for m in server.models]})
                if self.path.endswith("/models"):
                    return self._send(404, {"error": {"message": "not found"}})
                self._send_raw(200, LOGIN_PAGE, "text/html; charset=utf-8")

            def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                self._send_raw(status, json.dumps(payload).encode(), "application/json", headers)

            def _send_raw(self, status: int, data: bytes, content_type: str,
                          headers: dict[str, str] | None = None) -> None:
                try:
                    self.send_response(status)
                    self.send_header("content-type", content_type)
                    self.send_header("content-length", str(len(data)))
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAIServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @staticmethod
    def credentials(header: str) -> str:
        """A Basic Authorization header decoded ("user:password"), as a careless gateway would print it."""
        if header.startswith("Basic "):
            return base64.b64decode(header[6:]).decode(errors="replace")
        return header.removeprefix("Bearer ")

    # -- a tiny deterministic "model" ---------------------------------------------------------

    @staticmethod
    def mode_of(body: dict[str, Any]) -> str:
        """The form of structured output a request asks for."""
        if body.get("tools"):
            return "tools"
        return str((body.get("response_format") or {}).get("type", "prompt"))

    @staticmethod
    def schema_name(body: dict[str, Any]) -> str:
        """The schema a request asks for, in whichever form it asks."""
        response_format = body.get("response_format") or {}
        if response_format.get("type") == "json_schema":
            return str(response_format["json_schema"].get("name", ""))
        if response_format.get("type") == "json_object":
            return str(response_format.get("schema", {}).get("title", ""))
        if body.get("tools"):
            return str(body["tools"][0]["function"]["name"])
        last = str(body["messages"][-1]["content"]) if body.get("messages") else ""
        found = re.search(r'matching this JSON schema:\n\{.*"title":"(\w+)","type":"object"\}\s*$', last, re.S)
        return found.group(1) if found else ""

    @staticmethod
    def user_text(body: dict[str, Any]) -> str:
        return "\n".join(str(m["content"]) for m in body["messages"] if m["role"] == "user")

    def answer(self, body: dict[str, Any]) -> str:
        text = re.sub(r"\n\nReply with one JSON object and nothing else.*", "", self.user_text(body), flags=re.S)
        if self.schema_name(body) == "BriefOut":
            items = re.findall(r"^\[(s\d+)\] (.+)$", text, re.M)
            pick = [{"text": t, "sentence_id": i} for i, t in items]
            stats = [p for p in pick if re.search(r"\d", p["text"])]
            return json.dumps({"headline": "Headline", "key_points": pick[:6], "quotes": pick[:2],
                               "statistics": stats[:3], "questions": [p for p in pick if p["text"].endswith("?")],
                               "hooks": (stats or pick)[:3], "keywords": ["content", "planning"]})
        if self.schema_name(body) == "JudgeOut":
            # a light edit: the draft's first sentence is a weak hook (quoted as the rubric asks)
            draft = text.split("<draft>\n", 1)[-1].rsplit("\n</draft>", 1)[0]
            lines = [x for x in draft.split("\n") if x.strip() and not x.startswith("Title: ")]
            first = re.split(r"(?<=[.!?])\s", lines[0])[0] if lines else ""
            return json.dumps({"rating": 3, "defects": [{"code": "HOOK_WEAK", "quote": first,
                                                         "message": f"'{first}' announces the topic.",
                                                         "fix": "Open with the finding."}],
                               "tone": 60, "cta": 50, "platform_fit": 80,
                               "reasons": ["The hook could be sharper."]})
        if self.schema_name(body) == "DraftsOut":  # several platforms at once: one draft per "## Label" section
            sections = re.findall(r"^## ([^\n]+)\n(.*?)(?=^## |\nReturn )", text, re.M | re.S)
            return json.dumps({"drafts": [{"platform": label, **json.loads(self.draft(text, part))}
                                          for label, part in sections]})
        return self.draft(text, text)

    @staticmethod
    def draft(text: str, platform_part: str) -> str:
        """A draft from the brief's points in `text`, within `platform_part`'s CTA, hashtags and kind of post."""
        points = re.findall(r"^- \[(s\d+)\] (.+)$", text, re.M)
        cta = re.search(r'^Call to action to use: (\w+): "(.+?)"(?: with the link (\S+))?$', platform_part, re.M)
        tags = re.search(r"^Hashtags to use: (.*)$", platform_part, re.M)
        cta_line = (cta.group(2) + (" " + cta.group(3) if cta.group(3) else "")) if cta else ""
        tag_line = tags.group(1) if tags and tags.group(1) != "(none)" else ""
        thread = "A thread of at most" in platform_part
        used = points[:3]
        if thread:
            parts = [t for _, t in used] + [f"{cta_line}\n\n{tag_line}".strip()]
        else:
            parts = ["\n\n".join([t for _, t in used[:2]] + [x for x in (cta_line, tag_line) if x])]
        return json.dumps({"parts": parts, "title": "A short title" if "A title of at most" in platform_part else None,
                           "hashtags": tag_line.split(), "cta_kind": cta.group(1) if cta else None,
                           "cta_text": cta.group(2) if cta else None, "source_sentence_ids": [i for i, _ in used]})


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
