"""The Responses API (``/v1/responses``) through ``cordon gateway`` with the official openai SDK:
``responses.create(stream=True)`` and ``responses.stream(...)``, against the fake upstream, which
streams the echoed text one character per ``response.output_text.delta`` event — so every
placeholder arrives split across many events."""

from test_sdk_clients import CARD, EMAIL, INJECTED, PROMPT, assert_no_raw_values, openai_client


def test_responses_non_stream_is_restored(gateway, upstream):
    recorder, _ = upstream
    response = openai_client(gateway).responses.create(model="echo", input=PROMPT)
    assert response.output_text == PROMPT
    assert_no_raw_values(recorder, EMAIL, CARD)


def test_responses_create_stream_restores_deltas_and_done_payloads(gateway, upstream):
    recorder, _ = upstream
    stream = openai_client(gateway).responses.create(model="echo", input=[{"role": "user", "content": PROMPT}], stream=True,
                                                     extra_headers={"x-session-id": "responses-create"})
    deltas, done_texts, part_texts, completed = [], [], [], None
    for event in stream:
        if event.type == "response.output_text.delta":
            deltas.append(event.delta)
        elif event.type == "response.output_text.done":
            done_texts.append(event.text)
        elif event.type == "response.content_part.done":
            part_texts.append(event.part.text)
        elif event.type == "response.completed":
            completed = event.response
    assert "".join(deltas) == PROMPT
    assert len(deltas) > 10  # still a stream: the hold-back releases text word by word at most
    assert done_texts == [PROMPT] and part_texts == [PROMPT]
    assert completed is not None and completed.output_text == PROMPT
    # No fragment of a placeholder reached the client.
    assert not any("\u27e6" in delta or "\u27e7" in delta for delta in deltas)
    assert_no_raw_values(recorder, EMAIL, CARD)


def test_responses_stream_helper_accumulates_the_restored_text(gateway, upstream):
    recorder, _ = upstream
    with openai_client(gateway).responses.stream(model="echo", input=PROMPT) as stream:
        text = "".join(event.delta for event in stream if event.type == "response.output_text.delta")
        final = stream.get_final_response()
    assert text == PROMPT
    assert final.output_text == PROMPT
    assert_no_raw_values(recorder, EMAIL, CARD)


def test_responses_stream_masks_a_new_value_in_deltas_and_done_payloads(gateway):
    stream = openai_client(gateway).responses.create(model="inject", input=PROMPT, stream=True)
    deltas, done = [], None
    for event in stream:
        if event.type == "response.output_text.delta":
            deltas.append(event.delta)
        elif event.type == "response.output_text.done":
            done = event.text
    text = "".join(deltas)
    assert text.startswith(PROMPT)
    assert INJECTED not in text and INJECTED not in done
    assert "[REDACTED:" in text and "[REDACTED:" in done
    # No run of 5 characters of the new value reached the client in any one event.
    local = INJECTED.split("@")[0]
    assert not any(local[i:i + 5] in delta for delta in deltas for i in range(len(local) - 4))


def test_responses_stream_stopped_mid_way_ends_with_the_apis_error_event(gateway):
    # The upstream sends an event that cannot be scanned (not JSON) after five deltas: the gateway
    # stops the stream with the Responses API's own error event, which the SDK yields as a
    # ResponseErrorEvent, and nothing after it (no response.completed).
    client = openai_client(gateway)
    events = list(client.responses.create(model="malformed", input="hello there world", stream=True))
    assert events[-1].type == "error"
    assert events[-1].code.startswith("cordon_")
    assert events[-1].sequence_number > events[-2].sequence_number
    assert not any(event.type == "response.completed" for event in events)
    assert "hello" not in events[-1].message
    # The gateway keeps serving.
    assert client.responses.create(model="echo", input="ok").output_text == "ok"
