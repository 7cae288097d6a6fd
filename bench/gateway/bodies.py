"""Writes the request bodies of the gateway benchmark into the folder given as argv[1].

- chat-4k.json: one chat request of about 4 KB of prose holding two (fake) e-mail addresses.
- conversation-400k.prefix / .suffix: a 50-turn conversation of about 400 KB (every user turn
  holds a fake e-mail address); the benchmark's Lua script puts a new last message between them
  on every request, as an agent resends its history with one new message each turn.
"""

import json
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
WORDS = ("the quarterly report shows revenue growth across all regions while operating costs "
         "remained stable and the team plans to expand the pilot program next spring ").split()


def prose(size, seed):
    words = []
    total = 0
    index = seed
    while total < size:
        word = WORDS[index % len(WORDS)]
        words.append(word)
        total += len(word) + 1
        index += 7
    return " ".join(words)


text = prose(3800, 1)
half = len(text) // 2
content = text[:half] + " contact jane.doe@acme-corp.io or ops.lead@globex-corp.io " + text[half:]
with open(os.path.join(out, "chat-4k.json"), "w") as f:
    json.dump({"model": "bench", "messages": [{"role": "user", "content": content}]}, f)

messages = []
for turn in range(50):
    user = prose(3900, turn) + f" please mail person.{turn}@acme-corp.io"
    messages.append({"role": "user", "content": user})
    messages.append({"role": "assistant", "content": prose(3900, turn + 100)})
body = json.dumps({"model": "bench", "messages": messages + [{"role": "user", "content": "NEWMESSAGE"}]})
prefix, suffix = body.split("NEWMESSAGE")
with open(os.path.join(out, "conversation-400k.prefix"), "w") as f:
    f.write(prefix)
with open(os.path.join(out, "conversation-400k.suffix"), "w") as f:
    f.write(suffix)
print(f"chat-4k.json {os.path.getsize(os.path.join(out, 'chat-4k.json'))} bytes; conversation {len(body)} bytes")
