@testable import CordonGateway
import CompressNIO
import NIOCore
import Testing

@Suite("Request Content-Encoding: gzip and deflate decoded within the body limit, other codings refused")
struct RequestContentDecodingTests {
    private static let body = Array(#"{"model":"m","messages":[{"role":"user","content":"mail jane.doe@acme-corp.io"}]}"#.utf8)

    private static func compressed(_ bytes: [UInt8], _ algorithm: CompressionAlgorithm) throws -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        var output = try buffer.compress(with: algorithm)
        return output.readBytes(length: output.readableBytes)!
    }

    @Test("gzip, x-gzip, deflate (zlib and raw) and a chain of two decode to the original bytes")
    func decodes() throws {
        #expect(try RequestContentDecoding.decode(Self.compressed(Self.body, .gzip()), codings: ["gzip"], limit: 1000) == Self.body)
        #expect(try RequestContentDecoding.decode(Self.compressed(Self.body, .gzip()), codings: ["x-gzip"], limit: 1000) == Self.body)
        #expect(try RequestContentDecoding.decode(Self.compressed(Self.body, .zlib()), codings: ["deflate"], limit: 1000) == Self.body)
        #expect(try RequestContentDecoding.decode(Self.compressed(Self.body, .deflate()), codings: ["deflate"], limit: 1000) == Self.body)
        let twice = try Self.compressed(Self.compressed(Self.body, .zlib()), .gzip())
        #expect(try RequestContentDecoding.decode(twice, codings: ["deflate", "gzip"], limit: 1000) == Self.body)
    }

    @Test("the header's codings, identity left out")
    func codings() {
        #expect(RequestContentDecoding.codings("identity") == nil)
        #expect(RequestContentDecoding.codings(" GZIP , identity") == ["gzip"])
        #expect(RequestContentDecoding.codings("deflate, gzip") == ["deflate", "gzip"])
    }

    @Test("a small body that inflates past the limit is too large, however far it would inflate")
    func zipBomb() throws {
        let bomb = try Self.compressed([UInt8](repeating: UInt8(ascii: "a"), count: 20_000_000), .gzip())
        #expect(bomb.count < 100_000)
        #expect(throws: RequestContentDecoding.Failure.tooLarge) { try RequestContentDecoding.decode(bomb, codings: ["gzip"], limit: 1_000_000) }
        let exact = try Self.compressed([UInt8](repeating: UInt8(ascii: "a"), count: 1000), .gzip())
        #expect(try RequestContentDecoding.decode(exact, codings: ["gzip"], limit: 1000).count == 1000)
        #expect(throws: RequestContentDecoding.Failure.tooLarge) { try RequestContentDecoding.decode(exact, codings: ["gzip"], limit: 999) }
    }

    @Test("corrupt or cut-off gzip is refused; br and zstd are unsupported")
    func refused() throws {
        let gzip = try Self.compressed(Self.body, .gzip())
        #expect(throws: RequestContentDecoding.Failure.corrupt) { try RequestContentDecoding.decode(Array(gzip.dropLast(12)), codings: ["gzip"], limit: 1000) }
        #expect(throws: RequestContentDecoding.Failure.corrupt) { try RequestContentDecoding.decode(Array("not gzip at all, really".utf8), codings: ["gzip"], limit: 1000) }
        #expect(throws: RequestContentDecoding.Failure.unsupported("br")) { try RequestContentDecoding.decode(gzip, codings: ["gzip", "br"], limit: 1000) }
        #expect(throws: RequestContentDecoding.Failure.unsupported("zstd")) { try RequestContentDecoding.decode(gzip, codings: ["zstd"], limit: 1000) }
    }
}
