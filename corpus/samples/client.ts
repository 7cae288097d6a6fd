// eval-harness/src/providers.ts
// TODO(SEC-1432): move provider keys to Vault before the harness leaves the laptop.
type Provider = "openai" | "anthropic";

interface ProviderConfig {
  baseUrl: string;
  key: string;
  model: string;
}

const PROVIDERS: Record<Provider, ProviderConfig> = {
  openai: {
    baseUrl: "https://api.openai.com/v1",
    key: "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",
    model: "gpt-4o-mini",
  },
  anthropic: {
    baseUrl: "https://api.anthropic.com/v1",
    key: "sk-ant-api03-qyWWqjEKgsm7vx5XbO285qCSd1C7hemaNKUmfOb5tHyVWC7-QsWO7Z9FiBXgh73Gesfar-HeQ4KLM7hqkcLMnIYxem1meAA",
    model: "claude-3-5-haiku-latest",
  },
};

export async function complete(provider: Provider, prompt: string): Promise<string> {
  const p = PROVIDERS[provider];
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (provider === "anthropic") {
    headers["x-api-key"] = p.key;
    headers["anthropic-version"] = "2023-06-01";
    const r = await fetch(`${p.baseUrl}/messages`, {
      method: "POST",
      headers,
      body: JSON.stringify({ model: p.model, max_tokens: 512, messages: [{ role: "user", content: prompt }] }),
    });
    const data = await r.json();
    return data.content[0].text;
  }
  headers.authorization = `Bearer ${p.key}`;
  const r = await fetch(`${p.baseUrl}/chat/completions`, {
    method: "POST",
    headers,
    body: JSON.stringify({ model: p.model, messages: [{ role: "user", content: prompt }] }),
  });
  const data = await r.json();
  return data.choices[0].message.content;
}
