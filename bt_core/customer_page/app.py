"""The customer page's aiohttp app: Host/Origin checks, a secret token in every path, a strict CSP,
validated JSON inputs, and a WebSocket that pushes the session's customer-facing events.

Every blocking call (store, device) runs in the executor; a bad request gets a 4xx, never a crash.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from importlib import resources
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import WSMsgType, web

from bt_core.chat import MAX_MESSAGE_CHARS
from bt_core.customer_page.bridge import CustomerBridge
from bt_core.errors import BtError, SessionEnded

MAX_BODY = 16 * 1024
MAX_AVATAR = 2 * 1024 * 1024
POLL_SECONDS = 0.3
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
STATIC_TYPES = {"page.js": "text/javascript", "page.css": "text/css"}
AVATAR_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _static(name: str) -> bytes:
    return resources.files("bt_core.customer_page").joinpath("static", name).read_bytes()


def initials_avatar(name: str) -> bytes:
    """A round SVG with the technician's initials, for when no avatar image is configured."""
    letters = "".join(part[0] for part in name.split()[:2] if part).upper() or "?"
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">'
        '<circle cx="48" cy="48" r="48" fill="#2b6cb0"/>'
        '<text x="48" y="60" font-family="sans-serif" font-size="36" text-anchor="middle" fill="#fff">'
        f"{escape(letters)}</text></svg>"
    ).encode()


class CustomerPageApp:
    """Routes and checks for one session's page; `allowed_hosts` are the HOST:PORT the page is served as."""

    def __init__(
        self, bridge: CustomerBridge, token: str, allowed_hosts: set[str], executor: Executor, avatar: str = ""
    ) -> None:
        self.bridge = bridge
        self.token = token
        self.allowed_hosts = allowed_hosts
        self.executor = executor
        self.avatar = avatar
        self.sockets: set[web.WebSocketResponse] = set()

    def build(self) -> web.Application:
        app = web.Application(middlewares=[self._checks], client_max_size=MAX_BODY)
        app.router.add_get("/static/{name}", self.static)
        app.router.add_get("/s/{token}", self.index)
        app.router.add_get("/s/{token}/", self.index)
        app.router.add_get("/s/{token}/avatar", self.avatar_image)
        app.router.add_get("/s/{token}/api/state", self.state)
        app.router.add_get("/s/{token}/ws", self.websocket)
        app.router.add_post("/s/{token}/api/say", self.say)
        app.router.add_post("/s/{token}/api/grant", self.grant)
        app.router.add_post("/s/{token}/api/end", self.end)
        app.router.add_post("/s/{token}/api/camera", self.camera)
        app.on_shutdown.append(self._close_sockets)
        return app

    async def run(self, func: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.executor, func, *args)

    # -- checks on every request ----------------------------------------------------------------------
    @web.middleware
    async def _checks(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await self._checked(request, handler)
        except web.HTTPException as error:
            response = error
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    async def _checked(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        host = request.headers.get("Host", "")
        if host not in self.allowed_hosts:
            raise web.HTTPForbidden(text="forbidden host\n")
        origin = request.headers.get("Origin")
        unsafe = request.method not in ("GET", "HEAD") or request.headers.get("Upgrade", "").lower() == "websocket"
        if origin is not None and origin not in {f"http://{h}" for h in self.allowed_hosts}:
            raise web.HTTPForbidden(text="forbidden origin\n")
        if unsafe and origin is None:
            raise web.HTTPForbidden(text="missing origin\n")
        token = request.match_info.get("token")
        if token is not None and not secrets.compare_digest(token.encode(), self.token.encode()):
            raise web.HTTPNotFound(text="not found\n")
        return await handler(request)

    # -- pages and files ---------------------------------------------------------------------------------
    async def index(self, request: web.Request) -> web.Response:
        return web.Response(body=_static("index.html"), content_type="text/html", charset="utf-8")

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in STATIC_TYPES:
            raise web.HTTPNotFound(text="not found\n")
        return web.Response(body=_static(name), content_type=STATIC_TYPES[name], charset="utf-8")

    async def avatar_image(self, request: web.Request) -> web.Response:
        if self.avatar:
            path = Path(self.avatar).expanduser()
            kind = AVATAR_TYPES.get(path.suffix.lower())
            try:
                if kind and path.is_file() and path.stat().st_size <= MAX_AVATAR:
                    return web.Response(body=await self.run(path.read_bytes), content_type=kind)
            except OSError:
                pass
        return web.Response(body=initials_avatar(self.bridge.technician_name), content_type="image/svg+xml")

    # -- the JSON API ------------------------------------------------------------------------------------
    async def state(self, request: web.Request) -> web.Response:
        return web.json_response(await self.run(self.bridge.state))

    async def _body(self, request: web.Request, fields: dict[str, type]) -> dict[str, Any]:
        """The request's JSON object with exactly these fields of these types; otherwise a 400."""
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            raise web.HTTPRequestEntityTooLarge(
                max_size=MAX_BODY, actual_size=request.content_length or 0, text="message too large\n"
            ) from None
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise _bad("the request body is not valid JSON") from None
        if not isinstance(data, dict) or set(data) != set(fields):
            raise _bad(f"expected a JSON object with {', '.join(sorted(fields))}")
        for key, kind in fields.items():
            if not isinstance(data[key], kind) or (kind is int and isinstance(data[key], bool)):
                raise _bad(f"{key} must be a {kind.__name__}")
            if isinstance(data[key], str) and not _is_unicode(data[key]):
                raise _bad(f"{key} is not valid Unicode text (a lone surrogate)")
        return data

    async def _act(self, func: Callable[..., Any], *args: Any) -> web.Response:
        try:
            await self.run(func, *args)
        except SessionEnded as error:
            return web.json_response({"error": str(error)}, status=409)
        except BtError as error:
            return web.json_response({"error": str(error)}, status=400)
        return web.json_response({"ok": True})

    async def say(self, request: web.Request) -> web.Response:
        text = (await self._body(request, {"text": str}))["text"]
        if not text.strip():
            raise _bad("the message is empty")
        if len(text) > MAX_MESSAGE_CHARS:
            raise _bad(f"the message is too long (limit {MAX_MESSAGE_CHARS} characters)")
        return await self._act(self.bridge.say, text)

    async def grant(self, request: web.Request) -> web.Response:
        level = (await self._body(request, {"level": str}))["level"]
        if level not in ("none", "view", "control"):
            raise _bad("level must be none, view or control")
        return await self._act(self.bridge.answer, level)

    async def camera(self, request: web.Request) -> web.Response:
        if (await self._body(request, {"start": bool}))["start"] is not True:
            raise _bad("start must be true")
        return await self._act(self.bridge.camera)

    async def end(self, request: web.Request) -> web.Response:
        if (await self._body(request, {"confirm": bool}))["confirm"] is not True:
            raise _bad("confirm must be true")
        return await self._act(self.bridge.end)

    # -- live events -------------------------------------------------------------------------------------
    async def websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=15, max_msg_size=4096)
        await ws.prepare(request)
        self.sockets.add(ws)
        self.bridge.connected += 1
        pusher = asyncio.ensure_future(self._push(ws))
        try:
            async for message in ws:
                if message.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                    break
        finally:
            pusher.cancel()
            self.sockets.discard(ws)
            self.bridge.connected -= 1
        return ws

    async def _push(self, ws: web.WebSocketResponse) -> None:
        last, previous = 0, None
        try:
            while not ws.closed:
                events, last, state = await self.run(self._poll, last)
                for event in events:
                    await ws.send_json({"type": "event", "event": event})
                if state != previous:
                    await ws.send_json({"type": "state", "state": state})
                    previous = state
                await asyncio.sleep(POLL_SECONDS)
        except (ConnectionError, RuntimeError, BtError):
            return

    def _poll(self, last: int) -> tuple[list[dict[str, Any]], int, dict[str, Any]]:
        events, last = self.bridge.events(last)
        return events, last, self.bridge.state()

    async def _close_sockets(self, app: web.Application) -> None:
        self.bridge.stopping = True
        for ws in list(self.sockets):
            await ws.close(code=1001, message=b"server stopped")


def _bad(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": message}), content_type="application/json")


def _is_unicode(text: str) -> bool:
    """JSON's \\ud800 escapes decode to lone surrogates, which no store or device can take."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
