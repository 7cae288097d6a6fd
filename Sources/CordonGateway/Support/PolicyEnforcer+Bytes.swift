import CordonGuard

extension PolicyEnforcer {
    /// ``PolicyEnforcer/enforce(_:context:replacement:on:)`` for bytes held in an array.
    func enforce(bytes: [UInt8], context: MessageContext, replacement: ValueReplacement? = nil) throws(EnforcementError) -> Enforcement {
        let result: Result<Enforcement, EnforcementError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(EnforcementError) {
                return .success(try enforce(buffer, context: context, replacement: replacement))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
