import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Identifiers are internal, not ignored (issue #15 class 6): a login user name in a credential
/// configuration assignment and an age recipient (a public key) are reported at level internal,
/// category internal, low confidence — a message holding one is internal, a CI scan does not
/// fail on it — and a user name is not propagated to the other places its word appears.
@Suite("Identifiers: login user names and age recipients")
struct IdentifierTests {
    static let engine = Fixtures.builtInEngine

    /// Configuration assignments of a login, each with the detector expected to report it.
    static let contexts: [(name: String, detector: String, render: @Sendable (String) -> String)] = [
        (".env *_USER", "login-user-name", { "POSTGRES_HOST=db07\nPOSTGRES_USER=\($0)\nPOSTGRES_DB=ledger\n" }),
        ("export *_USERNAME", "login-user-name", { "export LEDGER_API_USERNAME=\($0)\n" }),
        ("INI Username", "login-user-name", { "[Portal]\nHost=portal07\nUsername=\($0)\n" }),
        ("indented, trailing comment", "login-user-name", { "    APP_AUTH_USERNAME=\($0)    # the kiosk login\n" }),
        ("commented-out line", "login-user-name", { "# GUEST_LOGIN=\($0)\n" }),
        ("YAML environment block", "login-user-name", { "services:\n  db:\n    environment:\n      DB_USER: \($0)\n" }),
        ("connection string Uid", "connection-string-user", { "Driver={ODBC Driver 18};Server=sql07;Database=ledger;Uid=\($0);Pwd=${LEDGER_PW};\n" }),
        ("connection string User Id", "connection-string-user", { "Server=sql07;Database=ledger;User Id=\($0);Password=${LEDGER_PW};\n" }),
    ]

    /// A login name: a made-up word, maybe with a service prefix, a dot or digits.
    static func userName(_ fake: inout FakeSecrets, style: Int) -> String {
        while true {
            let word = LiteralValueTests.word(&fake, syllables: 3)
            let value: String
            switch style % 4 {
            case 0: value = word
            case 1: value = "svc_" + word
            case 2: value = word.prefix(1) + "." + word.dropFirst()
            default: value = word + fake.random(Array("0123456789"), count: 2)
            }
            if !LiteralValueTests.namesItself(value) { return value }
        }
    }

    @Test("A login user name in a credential configuration assignment is an internal identifier of low confidence", arguments: contexts.indices)
    func userNamesInternal(_ index: Int) throws {
        let context = Self.contexts[index]
        var fake = FakeSecrets(seed: UInt64(7500 + index))
        for round in 0..<20 {
            let value = Self.userName(&fake, style: round)
            let text = context.render(value)
            let bytes = Array(text.utf8)
            let result = Self.engine.scan(text)
            let finding = try #require(
                result.findings.first { String(decoding: bytes[$0.range], as: UTF8.self) == value },
                "\(context.name): \(result.findings.map(\.detectorID))")
            #expect(finding.detectorID == context.detector, "\(context.name)")
            #expect(finding.level == .internal && finding.category == .internal, "\(context.name)")
            #expect(finding.confidence == .low && !finding.isTestValue, "\(context.name)")
            #expect(result.levelWithoutTestValues == .internal, "\(context.name)")
        }
    }

    @Test("A user name naming itself is a test value")
    func selfNamingUserNames() throws {
        for (text, value) in [("MAILER_USERNAME=mailer_username\n", "mailer_username"), ("[Portal]\nUserName=myUserName\n", "myUserName")] {
            let bytes = Array(text.utf8)
            let finding = try #require(Self.engine.scan(text).findings.first { String(decoding: bytes[$0.range], as: UTF8.self) == value })
            #expect(finding.isTestValue && finding.level == .internal)
        }
    }

    /// Places that name a user but hold no login name of a credential configuration.
    static let nonIdentifiers = [
        "user = request.user",
        "    user=current_user,\n",
        "DB_USER=${DATABASE_USER}",
        "DB_USER=<db user>",
        "SESSION_USER_AGENT=Mozilla/5.0",
        "uid=1000(builder) gid=1000(builder) groups=1000(builder)",
        "the user name is shown in the header",
    ]

    @Test("References and other user fields are not reported as login names", arguments: nonIdentifiers)
    func nonIdentifiersNotFound(_ text: String) {
        let logins = Self.engine.scan(text).findings.filter { ["login-user-name", "connection-string-user"].contains($0.detectorID) }
        #expect(logins.isEmpty)
    }

    @Test("A user name is not propagated to other occurrences of its word; a password is")
    func userNamesNotPropagated() {
        var fake = FakeSecrets(seed: 7600)
        for _ in 0..<20 {
            let name = Self.userName(&fake, style: 0)
            // Control: a password found after its key is also found where it stands alone.
            let password = LiteralValueTests.wordPassword(&fake, style: 1)
            let text = "DB_USER=\(name)\nDB_PASSWORD=\(password)\n\nConnect as \(name) to the replica, the password is \(password) there too.\n"
            let bytes = Array(text.utf8)
            let findings = Self.engine.scan(text).findings
            let onName = findings.filter { String(decoding: bytes[$0.range], as: UTF8.self) == name }
            let onPassword = findings.filter { String(decoding: bytes[$0.range], as: UTF8.self) == password }
            #expect(onName.count == 1, "\(onName.map(\.detectorID))")
            #expect(onPassword.count == 2, "\(onPassword.map(\.detectorID))")
        }
    }

    /// An age recipient: `age1` and 32 random bytes in Bech32 with its checksum.
    static func ageRecipient(_ fake: inout FakeSecrets) -> String {
        let bytes = (0..<32).map { _ in UInt8(Int(fake.random(Array("0123456789"), count: 3))! % 256) }
        return Bech32.encode(humanReadablePart: "age", data: bytes)
    }

    @Test("An age recipient is an internal identifier; one with a broken checksum is not reported")
    func ageRecipients() throws {
        var fake = FakeSecrets(seed: 7700)
        for round in 0..<20 {
            let recipient = Self.ageRecipient(&fake)
            let text = round.isMultiple(of: 2)
                ? "age -r \(recipient) -o notes.tar.age notes.tar\n" : "creation_rules:\n  - age: \(recipient)\n"
            let bytes = Array(text.utf8)
            let finding = try #require(Self.engine.scan(text).findings.first { String(decoding: bytes[$0.range], as: UTF8.self) == recipient })
            #expect(finding.detectorID == "age-recipient")
            #expect(finding.level == .internal && finding.category == .internal && finding.confidence == .low)
            // The last checksum character changed: no longer a recipient.
            let last = recipient.last!
            let broken = String(recipient.dropLast()) + (last == "q" ? "p" : "q")
            #expect(!Self.engine.scan("age -r \(broken)\n").findings.contains { $0.detectorID == "age-recipient" })
        }
    }
}

/// Bech32 (BIP-173) encoding, for generating age recipients in tests.
enum Bech32 {
    static let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l")

    static func polymod(_ values: [UInt8]) -> UInt32 {
        let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var checksum: UInt32 = 1
        for value in values {
            let top = checksum >> 25
            checksum = (checksum & 0x1ff_ffff) << 5 ^ UInt32(value)
            for bit in 0..<5 where (top >> bit) & 1 == 1 { checksum ^= generator[bit] }
        }
        return checksum
    }

    static func encode(humanReadablePart hrp: String, data: [UInt8]) -> String {
        var groups: [UInt8] = []
        var accumulator = 0, bits = 0
        for byte in data {
            accumulator = accumulator << 8 | Int(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                groups.append(UInt8(accumulator >> bits & 31))
            }
        }
        if bits > 0 { groups.append(UInt8(accumulator << (5 - bits) & 31)) }
        let expanded = hrp.utf8.map { $0 >> 5 } + [0] + hrp.utf8.map { $0 & 31 }
        let check = polymod(expanded + groups + [0, 0, 0, 0, 0, 0]) ^ 1
        let checksum = (0..<6).map { UInt8(check >> (5 * (5 - $0)) & 31) }
        return hrp + "1" + String((groups + checksum).map { charset[Int($0)] })
    }
}
