"""An MCP server for the proxy tests, built with the official SDK's MCPServer (FastMCP in mcp 1.x).

Its tools return fake secrets and personal data (fake values, valid formats), expose a resource
and a prompt, and record the arguments they receive in the file named by RECORD_FILE, so the tests
can see exactly what reached the server through `cordon mcp`.

Modes (first argument): `normal`; `garbage` writes lines that are not JSON-RPC to stdout around
its real output; `noisy-stderr` writes to stderr.
"""

import json
import os
import sys

from pydantic import BaseModel

from mcp.server.mcpserver import MCPServer

FAKE_EMAIL = "jdoe4821@acme-corp.io"
FAKE_AWS = "AKIAFHSG4A7UNZQWWYEV"
RECORD_FILE = os.environ.get("RECORD_FILE", "")
MODE = sys.argv[1] if len(sys.argv) > 1 else "normal"

server = MCPServer("cordon-test-server")


def record(tool: str, arguments: dict) -> None:
    if RECORD_FILE:
        with open(RECORD_FILE, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"tool": tool, "arguments": arguments}) + "\n")


@server.tool()
def lookup_customer(customer: str) -> str:
    """Look up a customer's owner and deploy key."""
    record("lookup_customer", {"customer": customer})
    return f"Customer {customer}: owner {FAKE_EMAIL}, deploy key {FAKE_AWS}"


class Owner(BaseModel):
    email: str
    seats: int
    active: bool


@server.tool()
def owner(customer: str) -> Owner:
    """The customer's owner as structured content (with an output schema)."""
    record("owner", {"customer": customer})
    return Owner(email=FAKE_EMAIL, seats=12, active=True)


@server.tool()
def send_mail(to: str, body: str) -> str:
    """Record the arguments it received (a tool the policy may restore values for)."""
    record("send_mail", {"to": to, "body": body})
    return "sent"


@server.tool()
def fetch(url: str) -> str:
    """Record the arguments it received (a tool that must never get restored values)."""
    record("fetch", {"url": url})
    return "fetched"


@server.tool()
def shell(command: str) -> str:
    """A tool the tests block by rule."""
    record("shell", {"command": command})
    return "ran"


@server.tool()
def crash() -> str:
    """Exit in the middle of a request."""
    sys.stdout.flush()
    os._exit(3)


@server.tool()
def big(size: int) -> str:
    """A long result (a plain string of `size` characters)."""
    return "x" * size


@server.resource("config://app")
def app_config() -> str:
    """The app's configuration."""
    return f"region = eu-west-1\naws_access_key_id = {FAKE_AWS}\nadmin = {FAKE_EMAIL}\n"


@server.prompt()
def review(topic: str) -> str:
    """A prompt that mentions the owner."""
    return f"Review {topic}; escalate to {FAKE_EMAIL}."


if __name__ == "__main__":
    if MODE == "garbage":
        sys.stdout.write(f"starting up, key {FAKE_AWS}\n")
        sys.stdout.write("{not json\n")
        sys.stdout.flush()
    if MODE == "noisy-stderr":
        sys.stderr.write("fake_server: diagnostics on stderr\n")
        sys.stderr.flush()
    server.run("stdio")
