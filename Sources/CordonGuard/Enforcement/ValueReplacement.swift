import Cordon

/// How a ``PolicyEnforcer`` replaces the values it redacts.
public enum ValueReplacement: Sendable {
    /// One of the one-way operators: placeholder, mask, keyed hash or removal.
    case `operator`(RedactionOperator)
    /// Numbered, typed, tagged placeholders such as `⟦EMAIL_1_K7Q2XM⟧`, remembered in the
    /// context's session so that ``PolicyEnforcer/restore(_:session:into:preceding:precedingIsComplete:inURL:)``
    /// can put the values back, as the policy's restore section allows. Needs a session.
    case reversiblePlaceholder

    /// The names accepted by ``init(name:hashKey:)``: the operators' and
    /// `placeholder-reversible`.
    public static let names = RedactionOperator.names + ["placeholder-reversible"]

    /// Creates a replacement from its name; `hash` needs `hashKey`.
    ///
    /// - Returns: `nil` for an unknown name, or for `hash` without a key.
    public init?(name: String, hashKey: [UInt8]? = nil) {
        if name == "placeholder-reversible" {
            self = .reversiblePlaceholder
        } else if let redactionOperator = RedactionOperator(name: name, hashKey: hashKey) {
            self = .operator(redactionOperator)
        } else {
            return nil
        }
    }
}
