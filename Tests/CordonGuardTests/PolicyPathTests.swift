import Cordon
import CordonTestSupport
import Testing

@testable import CordonGuard

/// No spelling of a path escapes a path rule, and no spelling reaches an exception it is not
/// under: paths are normalised before rules and exceptions see them.
@Suite("Policy paths")
struct PolicyPathTests {
    /// One path and the level and action the fixture policy must give a clean message from it.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var path: String
        var level: Level
        var action: PolicyAction
        var testDescription: String { name }
    }

    static let policy: Policy = {
        let yaml = """
            default_destination: public
            destinations:
              public:
                max_level: internal
            paths:
              - glob: '**/.ssh/**'
                level: restricted
              - glob: '**/*.pem'
                level: restricted
              - glob: '**/*.key'
                level: restricted
              - glob: 'infra/**'
                level: restricted
            exceptions:
              - path: 'infra/examples/**'
                reason: Examples hold no real infrastructure.
                owner: platform-team
                expires: 2999-12-31
            """
        do { return try Policy.parse(yaml: yaml, file: "paths.yaml") } catch { fatalError("\(error)") }
    }()

    static let cases: [Case] = [
        Case(name: "a parent step inside the path", path: "src/../infra/prod.tfvars", level: .restricted, action: .block),
        Case(name: "a doubled separator", path: "proj//../infra//main.tf", level: .restricted, action: .block),
        Case(name: "a leading ./", path: "./infra/main.tf", level: .restricted, action: .block),
        Case(name: "an upper-case extension", path: "certs/server.PEM", level: .restricted, action: .block),
        Case(
            name: "a path that climbs out of an excepted folder gets no exception",
            path: "infra/examples/../../certs/server.pem", level: .restricted, action: .block),
        Case(
            name: "a path that climbs out of an excepted folder into a ruled one",
            path: "infra/examples/../prod/main.tf", level: .restricted, action: .block),
        Case(name: "a file really under the excepted folder", path: "infra/examples/main.tf", level: .public, action: .allow),
        Case(name: "an absolute path to a key in a home folder", path: "/home/dev/.ssh/id_ed25519", level: .restricted, action: .block),
        Case(name: "an absolute path to a system key", path: "/etc/ssl/private/server.key", level: .restricted, action: .block),
        Case(name: "a Windows path", path: #"C:\Users\dev\.ssh\id_rsa"#, level: .restricted, action: .block),
        Case(name: "a Windows path with a parent step", path: #"C:\Users\dev\docs\..\.ssh\config"#, level: .restricted, action: .block),
        Case(name: "a relative path that climbs out of the working tree", path: "../secrets/server.pem", level: .restricted, action: .block),
        Case(name: "an absolute path is not under a relative folder rule", path: "/srv/infra/main.tf", level: .public, action: .allow),
        Case(name: "a parent step at the root goes nowhere", path: "/../etc/ssl/private/a.key", level: .restricted, action: .block),
        Case(name: "an ordinary source file", path: "src/main.swift", level: .public, action: .allow),
    ]

    @Test("each spelling of a path gets the rule its file deserves", arguments: cases)
    func decide(_ row: Case) {
        let decision = Self.policy.decide(
            ScanResult(findings: []), path: row.path, destination: Self.policy.destinations[0],
            on: CalendarDay(year: 2026, month: 12, day: 6)!)
        #expect(decision.level == row.level)
        #expect(decision.action == row.action)
    }

    @Test("normalisation resolves parent steps, separators and drive letters")
    func normalisation() {
        func normalized(_ path: String) -> String? {
            GlobPattern.normalizedComponents(of: path).map { ($0.isAbsolute ? "/" : "") + $0.components.joined(separator: "/") }
        }
        #expect(normalized("a/./b//c/../d") == "a/b/d")
        #expect(normalized("../../x") == "../../x")
        #expect(normalized("/a/../../b") == "/b")
        #expect(normalized(#"C:\a\..\..\b"#) == "/C:/b")
        #expect(normalized("") == nil)
    }

    @Test("exceptions match letters exactly; rules in either case")
    func caseSensitivity() throws {
        let glob = try #require(GlobPattern("docs/**"))
        #expect(glob.matches("docs/a.md"))
        #expect(!glob.matches("DOCS/a.md"))
        #expect(glob.matches("DOCS/a.md", ignoringCase: true))
    }
}
