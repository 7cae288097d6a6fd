"""A minimal MCP server on raw stdio JSON-RPC for the overhead benchmark: no SDK, so its own cost
is small and steady. Every `tools/call` returns a text result of RESULT_BYTES bytes (default
4096): prose, plus an e-mail address and an AWS key id (fake) when FINDINGS=1."""

import json
import os
import sys

SIZE = int(os.environ.get("RESULT_BYTES", "4096"))
FINDINGS = os.environ.get("FINDINGS", "0") == "1"

filler = ("The deployment finished without errors; the service answered health checks on every "
          "node and the queue drained within the expected window. ")
text = ("Owner jdoe4821@acme-corp.io, key AKIAFHSG4A7UNZQWWYEV. " if FINDINGS else "") + filler * (SIZE // len(filler) + 1)
text = text[:SIZE]

for line in sys.stdin:
    message = json.loads(line)
    if "id" not in message:
        continue
    if message.get("method") == "initialize":
        result = {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}}, "serverInfo": {"name": "echo", "version": "1"}}
    elif message.get("method") == "tools/call":
        result = {"content": [{"type": "text", "text": text}], "isError": False}
    else:
        result = {}
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": result}, separators=(",", ":")) + "\n")
    sys.stdout.flush()
