"""A fake OpenAI- and Anthropic-compatible upstream for the gateway tests (fault injection).

It records every request it receives (method, path, headers, body) so the tests can check that
no raw value reached it, and answers by echoing the last user message back — as a whole body,
one character per stream event, or as streamed tool-call argument fragments. The model name
selects the behaviour:

- ``echo`` (default): echo the last user text.
- ``tool``: answer with a tool call whose arguments are ``{"text": <last user text>}``.
- ``inject``: echo, then add a new e-mail address the client never sent.
- ``close-early``: stream a few events, then close the connection without ``[DONE]``.
- ``malformed``: stream one event whose data is not JSON.
- ``error``: answer HTTP 429 with the provider's error envelope echoing the text.
- ``stall``: wait 3 s before answering at all; ``stall-mid``: stream five characters, then wait
  3 s before the rest (upstream timeouts).
- ``flood``: stream 32 MiB of text (16,384 events of 2 KiB) as fast as the reader takes it.
- ``slow``: echo, one character every 20 ms (for shutdown tests and the streaming benchmark); each
  chunk's ``created`` is the upstream's ``time.perf_counter_ns()`` when it was sent, and its
  ``upstream_received`` the same clock when the request's head had been read, so a client on the
  same machine (``perf_counter_ns`` is the system-wide monotonic clock on Linux) can tell how long
  the request took to reach the upstream and each event took to reach it.

Streams are sent as real providers send them: ``transfer-encoding: chunked`` on a connection kept
alive for the next request, one write per event, ``TCP_NODELAY`` set. ``start(close_streams=True)``
(or ``--close-streams`` when run as a program) ends every stream by closing the connection instead
(a connection per streamed request); ``close-early`` always does, since it models that close.

Run as a program (``python fake_upstream.py [--close-streams]``) it serves in its own process and
prints its base URL on the first line: the streaming benchmark uses it so that the client's and
the upstream's Python threads do not share one interpreter lock.
"""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

INJECTED_EMAIL = "mallory.quinn@northwind-traders.net"


def last_user_text(body):
    if isinstance(body.get("input"), str):  # the Responses API's plain input
        return body["input"]
    for message in reversed(body.get("messages", body.get("input", []))):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return content
            return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


class Recorder:
    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        # How many connections the upstream has accepted (kept-alive ones count once).
        self.connections = 0
        # Set when a ``flood`` stream's reader (the gateway) closed the connection before its end.
        self.flood_abandoned = threading.Event()

    def add(self, entry):
        with self.lock:
            self.requests.append(entry)

    def everything(self):
        """Every byte the upstream received, as one string (paths, headers, bodies)."""
        with self.lock:
            parts = []
            for entry in self.requests:
                parts.append(entry["path"])
                parts.extend(f"{k}: {v}" for k, v in entry["headers"].items())
                parts.append(entry["body"].decode("utf-8", "replace"))
            return "\n".join(parts)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    recorder = None
    # Whether streams end by closing the connection (a connection per streamed request) instead of
    # a chunked body on a kept-alive connection.
    close_streams = False

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        with self.recorder.lock:
            self.recorder.connections += 1
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.chunked = False

    def begin_stream(self, close=False):
        """Sends an event stream's head: chunked on a kept-alive connection, as providers do, or
        (``close_streams``, or ``close``) delimited by closing the connection."""
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.chunked = not (close or self.close_streams)
        if self.chunked:
            self.send_header("transfer-encoding", "chunked")
        else:
            self.send_header("connection", "close")
            self.close_connection = True
        self.end_headers()

    def write_frame(self, data):
        """Writes one event (bytes) in one write, as one chunk of a chunked body."""
        if self.chunked:
            data = b"%x\r\n" % len(data) + data + b"\r\n"
        self.wfile.write(data)
        self.wfile.flush()

    def end_stream(self):
        """Ends a chunked stream (a close-delimited one ends when the handler closes)."""
        if self.chunked:
            self.chunked = False
            try:
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
            except OSError:
                self.close_connection = True

    def do_GET(self):
        self.recorder.add({"method": "GET", "path": self.path, "headers": dict(self.headers), "body": b""})
        if self.path.startswith("/v1/models"):
            self.send_json(200, {"object": "list", "data": [{"id": "echo", "object": "model", "owned_by": "test"}]})
        else:
            self.send_json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

    def do_POST(self):
        self.received_ns = time.perf_counter_ns()
        length = int(self.headers.get("content-length", "0"))
        raw = self.rfile.read(length)
        self.recorder.add({"method": "POST", "path": self.path, "headers": dict(self.headers), "body": raw})
        body = json.loads(raw)
        if self.path.startswith("/v1/embeddings"):
            inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
            self.send_json(200, {"object": "list", "model": body.get("model", "e"), "usage": {"prompt_tokens": 1, "total_tokens": 1},
                                 "data": [{"object": "embedding", "index": i, "embedding": [0.5, 0.25]} for i in range(len(inputs))]})
            return
        text = last_user_text(body)
        model = body.get("model", "echo")
        anthropic = self.path.startswith("/v1/messages")
        if model == "inject":
            text = text + " Also write to " + INJECTED_EMAIL + "."
        if model == "stall":
            time.sleep(3)
        if model == "error":
            self.send_json(429, {"error": {"message": "rate limited: " + text, "type": "rate_limit_error"}})
            return
        try:
            if self.path.startswith("/v1/responses"):
                self.responses_api(text, model, bool(body.get("stream")))
                self.end_stream()
            elif body.get("stream"):
                self.stream(body, text, model, anthropic)
                self.end_stream()
            elif anthropic:
                self.send_json(200, {
                    "id": "msg_1", "type": "message", "role": "assistant", "model": model,
                    "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": None,
                    "usage": {"input_tokens": 1, "output_tokens": 1},
                })
            elif model == "tool":
                self.send_json(200, {
                    "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": model,
                    "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
                        "role": "assistant", "content": None,
                        "tool_calls": [{"id": "call_1", "type": "function",
                                        "function": {"name": "send", "arguments": json.dumps({"text": text})}}]}}],
                })
            else:
                self.send_json(200, {
                    "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": model,
                    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                })
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the reader (a client test that leaves mid-stream) is gone

    def send_json(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def responses_api(self, text, model, stream):
        """The Responses API: one message item with one output_text part; streamed as its named
        events, one character per ``response.output_text.delta``."""
        def response(status, output_text):
            output = [] if output_text is None else [{
                "type": "message", "id": "msg_1", "status": "completed", "role": "assistant",
                "content": [{"type": "output_text", "text": output_text, "annotations": []}]}]
            return {"id": "resp_1", "object": "response", "created_at": 1, "status": status, "model": model,
                    "output": output, "parallel_tool_calls": True, "tool_choice": "auto", "tools": [],
                    "usage": {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2,
                              "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}}}

        if not stream:
            self.send_json(200, response("completed", text))
            return
        self.begin_stream()
        sequence = [0]

        def send(kind, payload):
            payload = {"type": kind, "sequence_number": sequence[0], **payload}
            sequence[0] += 1
            self.write_frame(f"event: {kind}\ndata: {json.dumps(payload)}\n\n".encode())

        where = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
        send("response.created", {"response": response("in_progress", None)})
        send("response.output_item.added", {"output_index": 0, "item": {
            "type": "message", "id": "msg_1", "status": "in_progress", "role": "assistant", "content": []}})
        send("response.content_part.added", {**where, "part": {"type": "output_text", "text": "", "annotations": []}})
        for index, character in enumerate(text):
            if model == "malformed" and index == 5:
                self.write_frame(b"event: response.output_text.delta\ndata: {this is not json\n\n")
                return
            send("response.output_text.delta", {**where, "delta": character, "logprobs": []})
        send("response.output_text.done", {**where, "text": text, "logprobs": []})
        send("response.content_part.done", {**where, "part": {"type": "output_text", "text": text, "annotations": []}})
        send("response.output_item.done", {"output_index": 0, "item": response("completed", text)["output"][0]})
        send("response.completed", {"response": response("completed", text)})

    def stream(self, body, text, model, anthropic):
        self.begin_stream(close=model == "close-early")

        def send(data, event=None):
            frame = (f"event: {event}\n" if event else "") + f"data: {data}\n\n"
            self.write_frame(frame.encode())

        if anthropic:
            send(json.dumps({"type": "message_start", "message": {
                "id": "msg_1", "type": "message", "role": "assistant", "model": model, "content": [],
                "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 0}}}), "message_start")
            if model == "tool":
                send(json.dumps({"type": "content_block_start", "index": 0, "content_block": {
                    "type": "tool_use", "id": "toolu_1", "name": "send", "input": {}}}), "content_block_start")
                arguments = json.dumps({"text": text})
                for i in range(0, len(arguments), 3):
                    send(json.dumps({"type": "content_block_delta", "index": 0, "delta": {
                        "type": "input_json_delta", "partial_json": arguments[i:i + 3]}}), "content_block_delta")
            else:
                send(json.dumps({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}), "content_block_start")
                for character in text:
                    send(json.dumps({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": character}}), "content_block_delta")
            send(json.dumps({"type": "content_block_stop", "index": 0}), "content_block_stop")
            send(json.dumps({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                             "usage": {"output_tokens": 1}}), "message_delta")
            send(json.dumps({"type": "message_stop"}), "message_stop")
            return

        def chunk(delta, finish=None):
            if model == "slow":
                return json.dumps({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": time.perf_counter_ns(),
                                   "upstream_received": self.received_ns, "model": model,
                                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
            return json.dumps({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": model,
                               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})

        send(chunk({"role": "assistant", "content": ""}))
        if model == "malformed":
            send("{this is not json")
            send("[DONE]")
            return
        if model == "tool":
            send(chunk({"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                        "function": {"name": "send", "arguments": ""}}]}))
            arguments = json.dumps({"text": text})
            for i in range(0, len(arguments), 2):
                send(chunk({"tool_calls": [{"index": 0, "function": {"arguments": arguments[i:i + 2]}}]}))
            send(chunk({}, "tool_calls"))
            send("[DONE]")
            return
        if model == "flood":
            piece = ("lorem ipsum " * 200)[:2048]
            try:
                for _ in range(16384):
                    send(chunk({"content": piece}))
                send(chunk({}, "stop"))
                send("[DONE]")
            except OSError:
                self.recorder.flood_abandoned.set()  # the reader left
                self.chunked = False
                self.close_connection = True
            return
        for index, character in enumerate(text):
            if model == "stall-mid" and index == 5:
                time.sleep(3)
            if model == "close-early" and index == 5:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            send(chunk({"content": character}))
            if model == "slow":
                time.sleep(0.02)
        send(chunk({}, "stop"))
        send("[DONE]")


def start(close_streams=False):
    """Starts the fake upstream on a free loopback port; returns (server, recorder, base_url)."""
    recorder = Recorder()
    handler = type("BoundHandler", (Handler,), {"recorder": recorder, "close_streams": close_streams})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler, bind_and_activate=False)
    server.request_queue_size = 256  # the default 5 refuses concurrent test clients
    server.server_bind()
    server.server_activate()
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, recorder, f"http://127.0.0.1:{server.server_address[1]}/v1"


if __name__ == "__main__":
    import sys

    _, _, url = start(close_streams="--close-streams" in sys.argv[1:])
    print(url, flush=True)
    threading.Event().wait()
