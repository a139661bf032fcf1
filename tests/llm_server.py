"""A real HTTP server on loopback that speaks OpenAI's /v1/chat/completions, for the LLM engine's tests.

The real openai client and langchain code run over a socket against it. It answers structured-output
requests like a small, obedient model (built from the sentence ids and brief lines in the prompt), records
every request so tests can assert what was sent, and can be scripted to fail: invalid JSON, 429, 500, a
slow reply, an unknown model, or a custom reply. Hostile or broken servers too: a 400 or 403 that echoes the
request's Authorization header (as some gateways do), a 200 with empty, null or missing `choices`, a 200 that
carries an `error` object, and a proxy's HTML login page served with 200 (directly, or after a redirect).
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
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append({"path": self.path, "body": body,
                                        "auth": self.headers.get("authorization", "")})
                if not self.path.endswith("/chat/completions"):
                    return self._send(404, {"error": {"message": "not found"}})
                step = server.script.pop(0) if server.script else "ok"
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
                if step == "invalid_json":
                    content = "Sure! Here is the draft: {parts: [oops"
                elif callable(step):
                    content = step(body)
                else:
                    content = server.answer(body)
                prompt_tokens = sum(len(str(m.get("content", ""))) for m in body.get("messages", [])) // 4
                completion_tokens = max(len(content) // 4, 1)
                return self._send(200, {
                    "id": f"chatcmpl-{len(server.requests)}", "object": "chat.completion", "created": 0,
                    "model": body.get("model"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                              "total_tokens": prompt_tokens + completion_tokens}})

            def do_GET(self) -> None:  # noqa: N802 (the login page a redirect leads to)
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
    def schema_name(body: dict[str, Any]) -> str:
        return body.get("response_format", {}).get("json_schema", {}).get("name", "")

    @staticmethod
    def user_text(body: dict[str, Any]) -> str:
        return "\n".join(str(m["content"]) for m in body["messages"] if m["role"] == "user")

    def answer(self, body: dict[str, Any]) -> str:
        text = self.user_text(body)
        if self.schema_name(body) == "BriefOut":
            items = re.findall(r"^\[(s[0-9a-f]{8}(?:-\d+)?)\] (.+)$", text, re.M)
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
        points = re.findall(r"^- \[(s[0-9a-f]{8}(?:-\d+)?)\] (.+)$", text, re.M)
        cta = re.search(r'^Call to action to use: (\w+): "(.+?)"(?: with the link (\S+))?$', text, re.M)
        tags = re.search(r"^Hashtags to use: (.*)$", text, re.M)
        cta_line = (cta.group(2) + (" " + cta.group(3) if cta.group(3) else "")) if cta else ""
        tag_line = tags.group(1) if tags and tags.group(1) != "(none)" else ""
        system = "\n".join(str(m["content"]) for m in body["messages"] if m["role"] == "system")
        thread = "A thread of at most" in system
        used = points[:3]
        if thread:
            parts = [t for _, t in used] + [f"{cta_line}\n\n{tag_line}".strip()]
        else:
            parts = ["\n\n".join([t for _, t in used[:2]] + [x for x in (cta_line, tag_line) if x])]
        return json.dumps({"parts": parts, "title": "A short title" if "A title of at most" in system else None,
                           "hashtags": tag_line.split(), "cta_kind": cta.group(1) if cta else None,
                           "cta_text": cta.group(2) if cta else None, "source_sentence_ids": [i for i, _ in used]})
