@testable import CordonGateway
import Testing

@Suite("A request without a session header gets a session of its own, unguessable")
struct ExchangeSessionNameTests {
    @Test("the name is cordon-request- and 32 lowercase hex digits (128 random bits)")
    func format() {
        let name = Exchange.requestSessionName()
        #expect(name.hasPrefix("cordon-request-"))
        let bits = name.dropFirst("cordon-request-".count)
        #expect(bits.count == 32)
        #expect(bits.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    @Test("10,000 names are all different, and every hex digit position varies")
    func distinct() {
        let names = (0..<10_000).map { _ in Exchange.requestSessionName() }
        #expect(Set(names).count == names.count)
        let tails = names.map { Array($0.dropFirst("cordon-request-".count)) }
        for position in 0..<32 {
            #expect(Set(tails.map { $0[position] }).count > 1, "position \(position) never changes")
        }
    }
}
