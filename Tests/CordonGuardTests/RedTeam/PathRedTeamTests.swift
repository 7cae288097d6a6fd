import Cordon
import CordonTestSupport
import Testing

@testable import CordonGuard

/// Red team, issue #16 item 4: no spelling of a path escapes a path rule or reaches an exception
/// it is not under. Each route of the issue, and the wildcard route found while fuzzing path
/// normalisation, is decided for a clean message from that path.
@Suite("Red team: paths")
struct PathRedTeamTests {
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
              - glob: 'infra/**'
                level: restricted
            exceptions:
              - path: 'infra/examples/**'
                reason: Examples hold no real infrastructure.
                owner: platform-team
                expires: 2999-12-31
              - path: '*/examples/**'
                reason: Every project's examples.
                owner: platform-team
                expires: 2999-12-31
            """
        do { return try Policy.parse(yaml: yaml, file: "paths.yaml") } catch { fatalError("\(error)") }
    }()

    static let routes: [(route: String, path: String)] = [
        ("a parent step", "src/../infra/prod.tfvars"),
        ("a doubled separator", "proj//../infra//main.tf"),
        ("an upper-case extension", "certs/server.PEM"),
        ("an exception reached by climbing out of it", "infra/examples/../../certs/server.pem"),
        ("a key under the home folder", "/home/dev/.ssh/id_ed25519"),
        ("a key under /etc", "/etc/ssl/private/server.pem"),
        ("a Windows path", #"C:\Users\dev\.ssh\id_rsa"#),
        ("a wildcard exception claiming a path outside the tree", "../examples/server.pem"),
        // Found by fuzz-paths: a combining mark right after `/` makes one Swift Character with
        // it, and a Character split did not cut there.
        ("a combining mark right after a separator", "infra/\u{301}prod.tfvars"),
    ]

    @Test("every path route of issue #16 item 4 is held by the path rules", arguments: 0..<routes.count)
    func route(_ index: Int) {
        let (route, path) = Self.routes[index]
        let decision = Self.policy.decide(
            ScanResult(findings: []), path: path, destination: Self.policy.destination(named: nil)!)
        #expect(decision.level == .restricted && decision.action == .block, "\(route): \(path)")
    }

    @Test("paths split at separator bytes, as the file system does, whatever grapheme a separator is part of")
    func separatorBytes() {
        #expect(GlobPattern.normalizedComponents(of: "infra/\u{301}prod.tfvars")?.components == ["infra", "\u{301}prod.tfvars"])
        #expect(GlobPattern.normalizedComponents(of: "a\\\u{301}b")?.components == ["a", "\u{301}b"])
        #expect(GlobPattern("infra/**")!.matches("infra/\u{301}prod.tfvars"))
        // Found by fuzz-paths: `./**` is the folder's own tree, not every absolute path.
        #expect(!GlobPattern("./**")!.matches(#"C:\Users\dev\.ssh\id_rsa"#))
        #expect(!GlobPattern("./**")!.matches("/etc/ssl/private/server.pem"))
        #expect(GlobPattern("./**")!.matches("src/app.env"))
        #expect(GlobPattern("**")!.matches("/etc/ssl/private/server.pem"))
    }

    @Test("a wildcard component never matches a parent step; ** and a literal .. do")
    func wildcardAndParentStep() {
        #expect(!GlobPattern("*/examples/**")!.matches("../examples/a"))
        #expect(!GlobPattern("*")!.matches(".."))
        #expect(GlobPattern("**/examples/**")!.matches("../examples/a"))
        #expect(GlobPattern("../examples/**")!.matches("../examples/a"))
        #expect(GlobPattern("*/examples/**")!.matches("proj/examples/a"))
    }

    @Test("a rule that ignores case matches at least what its exact spelling matches, negated classes too")
    func ignoringCaseNeverMatchesLess() {
        // Found by fuzz-paths: folded, `[!a]` refuses `A`, which it takes with case.
        #expect(GlobPattern("secrets/[!a]*.key")!.matches("secrets/A1.key"))
        #expect(GlobPattern("secrets/[!a]*.key")!.matches("secrets/A1.key", ignoringCase: true))
        #expect(GlobPattern("./.[!a'].")!.matches(".A.", ignoringCase: true))
        #expect(GlobPattern("**/*.pem")!.matches("certs/server.PEM", ignoringCase: true))
        #expect(!GlobPattern("**/*.pem")!.matches("certs/server.PEM"))
    }
}
