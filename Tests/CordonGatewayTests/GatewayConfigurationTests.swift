@testable import CordonGateway
import Foundation
import Testing

@Suite("Gateway configuration files: the bundled example loads, mistakes name their line")
struct GatewayConfigurationTests {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("examples/gateway.yaml loads with its upstreams, routes and limits")
    func bundledExample() throws {
        let configuration = try GatewayConfigurationParser.load(
            from: Self.root.appendingPathComponent("examples/gateway.yaml").path, environment: ["OPENAI_API_KEY": "sk-example"])
        #expect(configuration.upstreams.map(\.name) == ["openai", "anthropic", "on-prem"])
        #expect(configuration.upstreams[0].apiKey == "sk-example")
        #expect(configuration.routes.first?.overflowDestination == "on-prem")
        #expect(configuration.host == "127.0.0.1" && configuration.port == 8787)
        #expect(configuration.unknownPaths == .reject)
        #expect(configuration.decisionCacheEntries == 10_000)
    }

    @Test("an unknown field, a route to no upstream and a bad listen address are errors with a line")
    func mistakes() {
        let cases = [
            "upstreams:\n  a:\n    base_url: http://127.0.0.1:1/v1\nlisten_on: 1\n",
            "upstreams:\n  a:\n    base_url: http://127.0.0.1:1/v1\nroutes:\n  public-api:\n    upstream: b\n",
            "upstreams:\n  a:\n    base_url: http://127.0.0.1:1/v1\nlisten: nowhere\n",
        ]
        for yaml in cases {
            #expect(throws: GatewayConfigurationError.self) { try GatewayConfigurationParser.parse(yaml: yaml, file: "test.yaml") }
            do {
                _ = try GatewayConfigurationParser.parse(yaml: yaml, file: "test.yaml")
            } catch {
                #expect(error.line != nil)
            }
        }
    }
}
