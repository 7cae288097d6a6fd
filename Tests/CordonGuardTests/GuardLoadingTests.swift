import Cordon
import CordonTestSupport
import Foundation
import Testing

@testable import CordonGuard

/// One loader for every front end: detectors, policy, keys and the audit file, with errors that
/// name the file and never its content.
@Suite("Guard loading")
struct GuardLoadingTests {
    @Test("no options: the built-in detectors and policy, no audit trail")
    func defaults() throws {
        let loaded = try Guard(GuardConfiguration())
        #expect(loaded.policy.source == Policy.builtIn().source)
        #expect(loaded.engine.detectors.count == Fixtures.builtInEngine.detectors.count)
        #expect(loaded.audit == nil)
    }

    @Test("a policy naming an unknown detector is refused, naming the file")
    func policyAgainstDetectors() throws {
        let folder = try TemporaryFolder()
        let detectors = try folder.write("d/fixture.yaml", SidecarFixtures.detectorsYAML)
        let policy = try folder.write(
            "policy.yaml", "default_destination: a\ndestinations:\n  a: {max_level: internal}\ndetectors:\n  aws-access-key-id: {level: public}\n")
        let error = try #require(throws: GuardError.self) {
            try Guard(GuardConfiguration(policyPath: policy.path, detectorPaths: [detectors.path]))
        }
        #expect(error.description.hasPrefix("\(policy.path):5:"))
        #expect(error.description.contains("unknown detector"))
    }

    @Test("a bad detector file is refused, naming the file")
    func badDetectors() throws {
        let folder = try TemporaryFolder()
        let detectors = try folder.write("d/broken.yaml", detectorYAML(extra: "    validators: [nope]"))
        let error = try #require(throws: GuardError.self) { try Guard(GuardConfiguration(detectorPaths: [detectors.path])) }
        #expect(error.description.contains(detectors.path))
    }

    @Test("an empty or missing key file is refused; a key file needs an audit file")
    func keys() throws {
        let folder = try TemporaryFolder()
        let empty = try folder.write("empty.key", "")
        let audit = folder.url.appending(path: "audit.jsonl").path
        let emptyKey = try #require(throws: GuardError.self) {
            try Guard(GuardConfiguration(auditPath: audit, auditKeyPath: empty.path))
        }
        #expect(emptyKey.description == "\(empty.path): cannot read the audit key, or it is empty")
        #expect(throws: GuardError.self) { try KeyFile.read(folder.url.appending(path: "missing.key").path, purpose: "hash key") }
        #expect(throws: GuardError.self) { try Guard(GuardConfiguration(auditKeyPath: empty.path)) }
    }

    @Test("an audit file is opened and signed with the key file's bytes")
    func auditTrail() throws {
        let folder = try TemporaryFolder()
        let key = try folder.write("audit.key", "k3y-bytes")
        let path = folder.url.appending(path: "audit.jsonl").path
        let loaded = try Guard(GuardConfiguration(auditPath: path, auditKeyPath: key.path))
        let audit = try #require(loaded.audit)
        _ = try audit.append(AuditRecord(operation: "ping", policyVersion: loaded.policy.version))
        let contents = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(AuditVerifier.verify(contents, key: Array("k3y-bytes".utf8)).problem == nil)
        #expect(AuditVerifier.verify(contents, key: Array("other".utf8)).problem != nil)
    }
}
