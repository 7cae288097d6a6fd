import CPCRE2
import CordonDetectorModel
import CordonTestSupport
import Testing

@testable import Cordon

/// The build compiles the built-in patterns with PCRE2 and embeds the serialized code; a process
/// decodes a pattern's code instead of compiling it. The decoded code must be the compiled code.
@Suite("Embedded compiled patterns")
struct EmbeddedPatternCodeTests {
    /// The sources and options the engine compiles for the built-in detectors, combined
    /// allowlists included.
    static func builtInSources() throws -> [(source: String, options: UInt32)] {
        var result: [(String, UInt32)] = []
        for detector in try DetectorSet.builtIn().detectors {
            result.append((detector.pattern, PatternAnalysis.isGated(detector) ? UInt32(PCRE2_USE_OFFSET_LIMIT) : 0))
            for pattern in detector.allowlist.patterns + detector.allowlist.testValues.patterns { result.append((pattern, 0)) }
            // The alternations the engine runs them as (``AllowlistMatcher``).
            for list in [detector.allowlist.patterns, detector.allowlist.testValues.patterns] {
                for unit in AllowlistCombination.units(list) where unit.isCombined { result.append((unit.source, 0)) }
            }
        }
        return result
    }

    /// The bytes `pcre2_serialize_encode_8` writes for `code` (the tables and the compiled code),
    /// with the one flag that says how the code was made cleared: decoded code owns its copy of
    /// the character tables (`PCRE2_DEREF_TABLES`, 0x40000, in the code's flags word, 16 bytes
    /// after its magic number), compiled code uses PCRE2's built-in ones.
    static func serialized(_ code: OpaquePointer) -> [UInt8] {
        var bytes = encoded(code)
        let magic: [UInt8] = [0x45, 0x52, 0x43, 0x50]  // "ERCP": PCRE2's magic number, little-endian
        if let at = (0..<max(0, bytes.count - 20)).first(where: { bytes[$0..<($0 + 4)].elementsEqual(magic) }) {
            bytes[at + 18] &= ~0x04
        }
        return bytes
    }

    static func encoded(_ code: OpaquePointer) -> [UInt8] {
        var code: OpaquePointer? = code
        var bytes: UnsafeMutablePointer<UInt8>?
        var size = 0
        let count = withUnsafeMutablePointer(to: &code) { pcre2_serialize_encode_8($0, 1, &bytes, &size, nil) }
        guard count == 1, let bytes else { return [] }
        defer { pcre2_serialize_free_8(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: size))
    }

    @Test("Every built-in pattern's code is embedded, and is exactly what PCRE2 compiles from its source")
    func everyPatternEmbedded() throws {
        let sources = try Self.builtInSources()
        #expect(sources.count > 600)
        for (source, options) in sources {
            let bytes = Array(source.utf8)
            let embedded = try #require(EmbeddedPatternCode.code(for: bytes, options: options), "\(source.prefix(40))")
            defer { pcre2_code_free_8(embedded) }
            var errorCode: Int32 = 0
            var errorOffset = 0
            let compiled = try #require(bytes.withUnsafeBufferPointer {
                pcre2_compile_8($0.baseAddress, $0.count, options, &errorCode, &errorOffset, nil)
            })
            defer { pcre2_code_free_8(compiled) }
            let (fromBuild, fromSource) = (Self.serialized(embedded), Self.serialized(compiled))
            #expect(fromBuild == fromSource, "\(source.prefix(40))")
            #expect(fromBuild.count > 1_100)
        }
    }

    @Test("A pattern the build did not compile, or other options, finds no code: it is compiled")
    func unknownPatternsAreCompiled() throws {
        let sources = try Self.builtInSources()
        let (source, options) = try #require(sources.first { entry in entry.options != 0 && !sources.contains { $0 == (entry.source, 0) } })
        #expect(EmbeddedPatternCode.code(for: Array(source.utf8), options: 0) == nil)
        #expect(EmbeddedPatternCode.code(for: Array((source + "(?:zq)?").utf8), options: options) == nil)
        #expect(EmbeddedPatternCode.code(for: Array("zq[a-z]{8}".utf8), options: 0) == nil)
        // A deferred pattern that is not embedded still compiles on its first match.
        let pattern = try CompiledPattern("zq[a-z]{8}", deferred: true)
        #expect(pattern.prepare().code != nil)
    }
}
