extension Exchange {
    /// A session name for one request: `cordon-request-` and 128 random bits in hex, from the
    /// system's cryptographic generator.
    ///
    /// It must be unguessable: clients name their sessions in the same namespace, and a client
    /// that guessed another request's session could read its placeholders. `UUID()` gave 122
    /// random bits too, but read them by opening, reading and closing /dev/urandom on every
    /// request without a session header; `SystemRandomNumberGenerator` asks `getrandom`.
    static func requestSessionName() -> String {
        var generator = SystemRandomNumberGenerator()
        return "cordon-request-" + hex(generator.next()) + hex(generator.next())
    }

    /// 16 lowercase hex digits.
    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
