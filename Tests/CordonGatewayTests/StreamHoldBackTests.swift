@testable import CordonGateway
import Testing

@Suite("Stream hold-back: how much of a streamed field's tail is kept")
struct StreamHoldBackTests {
    private func held(_ text: String, limit: Int = 256) -> String {
        let bytes = Array(text.utf8)
        return String(decoding: bytes[(bytes.count - StreamHoldBack.length(of: bytes, from: 0, limit: limit))...], as: UTF8.self)
    }

    @Test("the trailing run of non-white-space is held back")
    func trailingRun() {
        #expect(held("write to jane.doe@acme-corp") == "jane.doe@acme-corp")
        #expect(held("hello world ") == "")
    }

    @Test("single spaces between digits do not end a grouped number")
    func groupedNumbers() {
        #expect(held("card 4111 1111 1111") == "4111 1111 1111")
        #expect(held("call 555 ") == "")
    }

    @Test("the hold-back never exceeds its limit")
    func bounded() {
        #expect(held(String(repeating: "a", count: 1_000), limit: 256).count == 256)
    }
}
