import CompressNIO
import Foundation
import NIOCore

/// Decodes a request body sent with a `Content-Encoding`, so that it is scanned (and forwarded)
/// uncompressed.
///
/// `gzip` (and its alias `x-gzip`) and `deflate` are decoded with zlib (compress-nio); `deflate`
/// is the zlib format by the HTTP standard, and the raw deflate stream some clients send is
/// accepted too. `identity` changes nothing; other codings (`br`, `zstd`, `compress`) are not
/// supported and the request is refused. Several codings are undone in reverse order. The
/// decoded size is bounded: decoding stops as soon as it would pass `limit`, so a small body that
/// inflates to gigabytes (a zip bomb) costs at most `limit` bytes of memory and is refused as too
/// large. A gzip body cut short is refused (its trailer's size does not match); a cut-off
/// deflate body decodes to the part received, which is what is scanned and forwarded.
enum RequestContentDecoding {
    /// Why a body could not be decoded.
    enum Failure: Error, Equatable {
        /// A coding the gateway does not decode (its name, for the error message).
        case unsupported(String)
        /// The decoded body would be larger than the limit.
        case tooLarge
        /// The body is not valid data of its coding.
        case corrupt
    }

    /// The codings named by a `Content-Encoding` header, in the order they were applied
    /// (`identity` left out), or `nil` when none of them changes the body.
    static func codings(_ header: String) -> [String]? {
        let names = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty && $0 != "identity" }
        return names.isEmpty ? nil : names
    }

    /// `body` with `codings` undone, at most `limit` bytes.
    static func decode(_ body: [UInt8], codings: [String], limit: Int) throws(Failure) -> [UInt8] {
        for coding in codings where !["gzip", "x-gzip", "deflate"].contains(coding) {
            throw .unsupported(coding)
        }
        var bytes = body
        for coding in codings.reversed() {
            switch coding {
            case "deflate":
                do {
                    bytes = try inflate(bytes, algorithm: .zlib(), limit: limit)
                } catch .corrupt {
                    bytes = try inflate(bytes, algorithm: .deflate(), limit: limit)
                }
            default:
                let decoded = try inflate(bytes, algorithm: .gzip(), limit: limit)
                // zlib stops quietly at the end of a cut-off stream: the gzip trailer's size (the
                // last 4 bytes, little-endian, modulo 2^32) tells a whole body from a cut one.
                guard bytes.count >= 18 else { throw .corrupt }
                let size = bytes.suffix(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                guard UInt32(truncatingIfNeeded: decoded.count) == size else { throw .corrupt }
                bytes = decoded
            }
        }
        return bytes
    }

    private static func inflate(_ bytes: [UInt8], algorithm: CompressionAlgorithm, limit: Int) throws(Failure) -> [UInt8] {
        var input = ByteBuffer(bytes: bytes)
        do {
            // `maxSize` is the most the decompressor allocates: one byte past the limit tells an
            // over-limit body from one of exactly `limit` bytes.
            var output = try input.decompress(with: algorithm, maxSize: limit + 1)
            guard output.readableBytes <= limit else { throw Failure.tooLarge }
            return output.readBytes(length: output.readableBytes) ?? []
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw .tooLarge
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .corrupt
        }
    }
}
