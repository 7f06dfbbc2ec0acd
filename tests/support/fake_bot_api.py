#!/usr/bin/python3
"""A fake Telegram Bot API server for cobrador's integration tests (standard library only).

Speaks the documented API (https://core.telegram.org/bots/api) for the methods cobrador uses:
POST /bot<TOKEN>/<method> with a JSON body (or form fields), answers
{"ok": true, "result": ...} or {"ok": false, "error_code": N, "description": "...",
"parameters": {"retry_after": S}}. Checks what the real server checks where it matters to
us: the token, HTML entities in parse_mode=HTML, reply_markup shapes and callback_data
sizes, callback query ids, "message is not modified", long polling with offset/timeout
(updates below the offset are confirmed and forgotten), and webhooks (setWebhook,
deleteWebhook, getWebhookInfo; getUpdates answers 409 while one is set). Bot API connections
are kept open even when the client sends `Connection: close`.

Test control (not part of the Bot API), JSON bodies:
  POST /control/text      {"chat_id", "text", "reply_to_message_id"?, "forward_from"?}
                          -> {"update_id", "message_id"}  (forward_from: the user id whose
                          message the client forwards: `forward_origin` of type "user")
  POST /control/edit      {"chat_id", "message_id", "text"}  the client edits a message
                          -> {"update_id"} (null when getUpdates' allowed_updates left it out)
  POST /control/press     {"chat_id", "message_id", "data"}              -> {"update_id", "id"}
  POST /control/blocked   {"chat_id"}  the user blocks the bot: 403 on sends + my_chat_member
  POST /control/unblocked {"chat_id"}  the user unblocks it: sends work + my_chat_member
  POST /control/fail      {"method", "code", "description", "retry_after"?, "times", "chat_id"?}
                          (code 0: carried out, then the connection drops before the answer;
                          code 200: carried out, then answered with a proxy's HTML page;
                          "migrate_to_chat_id"?: the group became that supergroup)
  POST /control/slow      {"method", "seconds", "times"}  the next calls answer that late (a
                          slow network or server)
  POST /control/redeliver {"update_id"}  an update already delivered comes again
  POST /control/raw       {"update"}   an update as given (its update_id assigned)
  POST /control/restart_ids {"next"}   the next update_id (Telegram restarts them at random
                          after a week without updates)
  GET  /control/state     -> {"sent", "calls", "answers", "edits", "pending", "webhook"}

With --clock EPOCH the messages are dated from that instant on (advancing in real time), so a
test's dates do not depend on the day it runs. With --tls-cert/--tls-key the Bot API is served over TLS and the test controls on a second,
plain port. Prints "READY <port> <control port>" once listening on 127.0.0.1; stops on SIGTERM.
"""
import argparse, html.parser, json, re, signal, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, default=0)
ap.add_argument("--token", required=True)
ap.add_argument("--username", default="CobrosPradoBot")
ap.add_argument("--tls-cert")
ap.add_argument("--tls-key")
ap.add_argument("--clock", type=int,
                help="Unix time the messages' dates start at (then advancing in real time); "
                     "default: the real time")
a = ap.parse_args()
STARTED = time.time()


def stamp():
    """The `date` of a message or an update: the real time, or the test's clock."""
    if a.clock is None:
        return int(time.time())
    return int(a.clock + (time.time() - STARTED))


BOT = {"id": 777000111, "is_bot": True, "first_name": "Cobros", "username": a.username}
lock = threading.Condition()
state = {
    "next_update": 1000, "next_message": 1, "updates": [], "confirmed": {},
    "sent": [], "calls": [], "answers": [], "edits": [], "forwards": [], "faults": [],
    "blocked": set(), "webhook": None, "allowed": None, "slow": [],
    "messages": {}, "callbacks": set(), "forced": [],
}

ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre",
                "a", "tg-spoiler", "span", "blockquote", "tg-emoji"}


class Html(html.parser.HTMLParser):
    """Telegram's HTML subset: known tags, properly nested; text is returned without tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.text, self.error = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.error = self.error or f"unsupported start tag \"{tag}\""
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f"can't find end tag corresponding to start tag \"{tag}\""
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse_html(text):
    # Telegram accepts only &lt; &gt; &amp; &quot; and numeric entities.
    for m in re.finditer(r"&([^;\s]*);?", text):
        name = m.group(1)
        if not (m.group(0).endswith(";") and (name in ("lt", "gt", "amp", "quot") or
                                             re.fullmatch(r"#\d+|#x[0-9a-fA-F]+", name))):
            return None, f"Bad Request: can't parse entities: unsupported entity at byte offset {m.start()}"
    p = Html()
    p.feed(text)
    p.close()
    if p.error or p.stack:
        return None, "Bad Request: can't parse entities: " + (p.error or "unclosed tag")
    return "".join(p.text), None


def check_markup(markup):
    if markup is None:
        return None
    if isinstance(markup, str):
        markup = json.loads(markup)
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            return "Bad Request: field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array of Arrays"
        for row in rows:
            for b in row:
                if not isinstance(b.get("text"), str) or not b["text"]:
                    return "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                data = b.get("callback_data")
                if data is not None and not (1 <= len(data.encode()) <= 64):
                    return "Bad Request: BUTTON_DATA_INVALID"
                if data is None and "url" not in b:
                    return "Bad Request: can't parse inline keyboard button: InlineKeyboardButton must have exactly one optional field"
        return None
    if "force_reply" in markup:
        return None if markup["force_reply"] is True else "Bad Request: can't parse reply keyboard markup JSON object"
    if "keyboard" in markup or "remove_keyboard" in markup:
        return None
    return "Bad Request: can't parse reply keyboard markup JSON object"


def user(chat_id):
    return {"id": chat_id, "is_bot": False, "first_name": f"Cliente {chat_id}", "language_code": "es"}


def chat(chat_id):
    return {"id": chat_id, "first_name": f"Cliente {chat_id}", "type": "private"}


# Update types delivered when getUpdates never said (or said an empty list): all but these.
NOT_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}


def wanted(update):
    """Whether the bot asked for this type of update (getUpdates' allowed_updates, which
    persists until changed). Telegram does not even create the others."""
    kind = next((k for k in update if k != "update_id"), None)
    allowed = state["allowed"]
    return kind in allowed if allowed else kind not in NOT_BY_DEFAULT


def push(update):
    with lock:
        if not wanted(update):
            return None
        update["update_id"] = state["next_update"]
        state["next_update"] += 1
        state["updates"].append(update)
        lock.notify_all()
        return update["update_id"]


def fault_for(method, chat_id):
    for f in state["faults"]:
        if f["method"] == method and f["times"] > 0 and f.get("chat_id") in (None, chat_id):
            f["times"] -= 1
            return f
    return None


def err(code, description, retry_after=None, migrate_to=None):
    body = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    if migrate_to is not None:
        body["parameters"] = {"migrate_to_chat_id": migrate_to}
    return code, body


def ok(result):
    return 200, {"ok": True, "result": result}


def api(method, p):
    chat_id = p.get("chat_id")
    if chat_id is not None:
        chat_id = int(chat_id)
    f = fault_for(method, chat_id)
    if f and f["code"] == 0:
        # Code 0: the request is carried out, then the connection drops before the answer.
        result = api(method, p)
        return None, result
    if f and f["code"] == 200:
        # Carried out, and the answer replaced by a proxy's page (HTTP 200, not JSON).
        api(method, p)
        return 200, "<html><body>proxy ok</body></html>"
    if f:
        return err(f["code"], f["description"], f.get("retry_after"), f.get("migrate_to_chat_id"))
    if method == "getMe":
        return ok(BOT)
    if method == "getWebhookInfo":
        with lock:
            hook = state["webhook"]
            info = {"url": hook["url"] if hook else "", "has_custom_certificate": False,
                    "pending_update_count": len(state["updates"])}
            if hook:
                info["max_connections"] = hook["max_connections"]
                if hook.get("allowed_updates") is not None:
                    info["allowed_updates"] = hook["allowed_updates"]
        return ok(info)
    if method == "setWebhook":
        url = p.get("url", "")
        if url and not url.startswith("https://"):
            return err(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        with lock:
            if p.get("drop_pending_updates") in (True, "true", "True"):
                state["updates"] = []
            if not url:
                state["webhook"] = None
                return 200, {"ok": True, "result": True, "description": "Webhook was deleted"}
            allowed = p.get("allowed_updates")
            if isinstance(allowed, str):
                allowed = json.loads(allowed)
            state["webhook"] = {"url": url, "max_connections": int(p.get("max_connections", 40)),
                                "allowed_updates": allowed}
        return 200, {"ok": True, "result": True, "description": "Webhook was set"}
    if method == "deleteWebhook":
        with lock:
            had = state["webhook"] is not None
            state["webhook"] = None
            if p.get("drop_pending_updates") in (True, "true", "True"):
                state["updates"] = []
        return 200, {"ok": True, "result": True,
                     "description": "Webhook was deleted" if had else "Webhook is already deleted"}
    if method == "getUpdates":
        if state["webhook"] is not None:
            return err(409, "Conflict: can't use getUpdates method while webhook is active; "
                            "use deleteWebhook to delete the webhook first")
        allowed = p.get("allowed_updates")
        if isinstance(allowed, str):
            allowed = json.loads(allowed)
        if allowed is not None:
            state["allowed"] = list(allowed)
        offset = int(p.get("offset", 0))
        timeout = int(p.get("timeout", 0))
        limit = int(p.get("limit", 100))
        deadline = time.time() + timeout
        with lock:
            # An offset beyond every id given out is "in the future": the real server (tdlib's
            # TQueue) then serves from the head of the queue and confirms nothing.
            future = offset > state["next_update"]
            if offset and not future:
                for u in [u for u in state["updates"] if u["update_id"] < offset]:
                    state["confirmed"][u["update_id"]] = u
                state["updates"] = [u for u in state["updates"] if u["update_id"] >= offset]
            while not state["updates"] and not state["forced"] and time.time() < deadline:
                lock.wait(deadline - time.time())
            forced, state["forced"] = state["forced"], []
            return ok(forced + state["updates"][:limit])
    if method == "sendMessage":
        if chat_id in state["blocked"]:
            return err(403, "Forbidden: bot was blocked by the user")
        text = p.get("text", "")
        if not text.strip():
            return err(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            return err(400, "Bad Request: message is too long")
        plain = text
        if p.get("parse_mode") == "HTML":
            plain, problem = parse_html(text)
            if problem:
                return err(400, problem)
        markup = p.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        problem = check_markup(markup)
        if problem:
            return err(400, problem)
        with lock:
            mid = state["next_message"]
            state["next_message"] += 1
            msg = {"message_id": mid, "from": BOT, "chat": chat(chat_id), "date": stamp(),
                   "text": plain}
            if markup and "inline_keyboard" in markup:
                msg["reply_markup"] = markup
            state["messages"][(chat_id, mid)] = msg
            state["sent"].append({"chat_id": chat_id, "message_id": mid, "text": text,
                                  "plain": plain, "parse_mode": p.get("parse_mode"),
                                  "reply_markup": markup})
        return ok(msg)
    if method == "forwardMessage":
        if chat_id in state["blocked"]:
            return err(403, "Forbidden: bot was blocked by the user")
        source = state["messages"].get((int(p.get("from_chat_id", 0)), int(p.get("message_id", 0))))
        if source is None:
            return err(400, "Bad Request: message to forward not found")
        with lock:
            mid = state["next_message"]
            state["next_message"] += 1
            msg = {k: v for k, v in source.items() if k in ("text", "caption", "photo", "document")}
            msg.update({"message_id": mid, "from": BOT, "chat": chat(chat_id),
                        "date": stamp(),
                        "forward_origin": {"type": "user", "sender_user": source["from"],
                                           "date": source["date"]}})
            state["messages"][(chat_id, mid)] = msg
            state["forwards"].append({"chat_id": chat_id, "from_chat_id": source["chat"]["id"],
                                      "message_id": source["message_id"], "message": msg})
        return ok(msg)
    if method == "answerCallbackQuery":
        qid = p.get("callback_query_id")
        if qid not in state["callbacks"]:
            return err(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        if len(p.get("text", "") or "") > 200:
            return err(400, "Bad Request: MESSAGE_TOO_LONG")
        state["callbacks"].discard(qid)
        state["answers"].append({"callback_query_id": qid, "text": p.get("text")})
        return ok(True)
    if method == "editMessageReplyMarkup":
        key = (chat_id, int(p.get("message_id", 0)))
        msg = state["messages"].get(key)
        if msg is None:
            return err(400, "Bad Request: message to edit not found")
        markup = p.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        problem = check_markup(markup)
        if problem:
            return err(400, problem)
        old = msg.get("reply_markup")
        new = markup if markup and markup.get("inline_keyboard") else None
        if old == new:
            return err(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
        if new is None:
            msg.pop("reply_markup", None)
        else:
            msg["reply_markup"] = new
        state["edits"].append({"chat_id": chat_id, "message_id": key[1], "reply_markup": new})
        return ok(msg)
    return err(404, "Not Found")


def control(cmd, p):
    if cmd == "restart_ids":
        # After a week without updates Telegram picks the next update_id at random.
        with lock:
            state["next_update"] = int(p["next"])
        return {}
    if cmd == "raw":
        # An update exactly as given (its update_id assigned): a shape a test wants to try.
        return {"update_id": push(dict(p["update"]))}
    if cmd == "text":
        cid = int(p["chat_id"])
        msg = {"message_id": 100000 + state["next_update"], "from": user(cid), "chat": chat(cid),
               "date": stamp(), "text": p["text"]}
        if p["text"].startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(p["text"].split()[0])}]
        if p.get("forward_from"):
            # MessageOriginUser: the original's sender and date (an hour earlier, here).
            msg["forward_origin"] = {"type": "user", "sender_user": user(int(p["forward_from"])),
                                     "date": stamp() - 3600}
        if p.get("reply_to_message_id"):
            orig = state["messages"].get((cid, int(p["reply_to_message_id"])))
            msg["reply_to_message"] = orig or {"message_id": int(p["reply_to_message_id"]),
                                               "chat": chat(cid), "date": 0}
        with lock:
            state["messages"][(cid, msg["message_id"])] = msg
        return {"update_id": push({"message": msg}), "message_id": msg["message_id"]}
    if cmd == "edit":
        # The client edits a message of theirs: the same message_id and date, the new text
        # (or caption), and edit_date.
        cid, mid = int(p["chat_id"]), int(p["message_id"])
        with lock:
            orig = state["messages"].get((cid, mid))
            if orig is None:
                return {"error": "unknown message"}
            msg = dict(orig)
            msg["caption" if "caption" in orig else "text"] = p["text"]
            msg["edit_date"] = max(stamp(), orig.get("edit_date", orig["date"]) + 1)
            state["messages"][(cid, mid)] = msg
        return {"update_id": push({"edited_message": msg})}
    if cmd == "attach":
        # A photo (Telegram sends its sizes) or a document, with an optional caption.
        cid = int(p["chat_id"])
        n = state["next_update"]
        msg = {"message_id": 100000 + n, "from": user(cid), "chat": chat(cid),
               "date": stamp()}
        if p.get("kind") == "photo":
            msg["photo"] = [{"file_id": f"ph{n}s", "file_unique_id": f"u{n}s", "width": 90,
                             "height": 160, "file_size": 1500},
                            {"file_id": f"ph{n}", "file_unique_id": f"u{n}", "width": 720,
                             "height": 1280, "file_size": 98000}]
        else:
            msg["document"] = {"file_id": f"doc{n}", "file_unique_id": f"u{n}",
                               "file_name": p.get("file_name", "justificante.pdf"),
                               "mime_type": "application/pdf", "file_size": 45000}
        if p.get("caption"):
            msg["caption"] = p["caption"]
        if p.get("media_group_id"):
            # Items of an album: one message each, sharing the id.
            msg["media_group_id"] = p["media_group_id"]
        with lock:
            state["messages"][(cid, msg["message_id"])] = msg
        return {"update_id": push({"message": msg}), "message_id": msg["message_id"]}
    if cmd == "press":
        cid = int(p["chat_id"])
        qid = f"cb{state['next_update']}x{cid}"
        state["callbacks"].add(qid)
        msg = state["messages"].get((cid, int(p["message_id"]))) or \
            {"message_id": int(p["message_id"]), "chat": chat(cid), "date": 0}
        uid = push({"callback_query": {"id": qid, "from": user(cid), "message": msg,
                                       "chat_instance": f"ci{cid}", "data": p["data"]}})
        return {"update_id": uid, "id": qid}
    if cmd == "blocked":
        cid = int(p["chat_id"])
        state["blocked"].add(cid)
        uid = push({"my_chat_member": {"chat": chat(cid), "from": user(cid), "date": stamp(),
                                       "old_chat_member": {"status": "member", "user": BOT},
                                       "new_chat_member": {"status": "kicked", "user": BOT,
                                                           "until_date": 0}}})
        return {"update_id": uid}
    if cmd == "unblocked":
        # The user unblocks the bot ("Restart bot"): sends work again, and a my_chat_member.
        cid = int(p["chat_id"])
        state["blocked"].discard(cid)
        uid = push({"my_chat_member": {"chat": chat(cid), "from": user(cid), "date": stamp(),
                                       "old_chat_member": {"status": "kicked", "user": BOT,
                                                           "until_date": 0},
                                       "new_chat_member": {"status": "member", "user": BOT}}})
        return {"update_id": uid}
    if cmd == "fail":
        state["faults"].append({"method": p["method"], "code": p["code"],
                                "description": p["description"], "retry_after": p.get("retry_after"),
                                "times": p.get("times", 1), "chat_id": p.get("chat_id"),
                                "migrate_to_chat_id": p.get("migrate_to_chat_id")})
        return {}
    if cmd == "slow":
        with lock:
            state["slow"].append({"method": p["method"], "seconds": float(p["seconds"]),
                                  "times": p.get("times", 1)})
        return {}
    if cmd == "redeliver":
        # The next getUpdates returns this update again, whatever the offset says (a server
        # that lost the confirmation, or a proxy that replays).
        uid = int(p["update_id"])
        with lock:
            u = state["confirmed"].get(uid) or next(
                (u for u in state["updates"] if u["update_id"] == uid), None)
            if u is None:
                return {"error": "unknown update"}
            state["forced"].append(u)
            lock.notify_all()
        return {"update_id": uid}
    if cmd == "state":
        with lock:
            return {"sent": state["sent"], "calls": state["calls"], "answers": state["answers"],
                    "edits": state["edits"], "forwards": state["forwards"],
                    "pending": [u["update_id"] for u in state["updates"]],
                    "webhook": state["webhook"]}
    return {"error": "unknown control " + cmd}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body):
        html = isinstance(body, str)
        data = body.encode() if html else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/html" if html else "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def params(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        ctype = self.headers.get("Content-Type", "")
        if "application/json" in ctype and raw:
            return json.loads(raw)
        return {k: v[0] for k, v in parse_qs(raw.decode()).items()}

    def handle_any(self):
        path = self.path.split("?")[0]
        p = self.params() if self.command == "POST" else {}
        if path.startswith("/control/"):
            return self.reply(200, control(path[len("/control/"):], p))
        m = re.fullmatch(r"/bot([^/]+)/(\w+)", path)
        if not m:
            return self.reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        if m.group(1) != a.token:
            return self.reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        method = m.group(2)
        with lock:
            state["calls"].append({"method": method, "params": p, "at": time.time()})
            slow = next((f for f in state["slow"] if f["method"] == method and f["times"] > 0), None)
            if slow:
                slow["times"] -= 1
        if slow:
            time.sleep(slow["seconds"])
        code, body = api(method, p)
        if code is None:
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.reply(code, body)
        # Like some servers, keep the connection open whatever the client asked: the client
        # must stop reading where the answer's framing ends, not wait for the close.
        self.close_connection = False

    do_GET = handle_any
    do_POST = handle_any


server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
server.daemon_threads = True
control_port = server.server_address[1]
if a.tls_cert:
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.tls_cert, a.tls_key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    control_server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    control_server.daemon_threads = True
    control_port = control_server.server_address[1]
    threading.Thread(target=control_server.serve_forever, daemon=True).start()
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print(f"READY {server.server_address[1]} {control_port}", flush=True)
server.serve_forever()
