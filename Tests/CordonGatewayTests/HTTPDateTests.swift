@testable import CordonGateway
import Foundation
import Testing

@Suite("The Date response header: IMF-fixdate (RFC 9110), in GMT")
struct HTTPDateTests {
    @Test("RFC 9110's own example: 784111777 seconds is Sun, 06 Nov 1994 08:49:37 GMT")
    func rfcExample() {
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test("single-digit days, hours, minutes and seconds are zero-padded; the epoch is a Thursday")
    func padding() {
        #expect(HTTPDate.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(951_782_400 + 3_661) == "Tue, 29 Feb 2000 01:01:01 GMT")
    }

    @Test("the current value is today's date as Foundation formats it")
    func current() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy"
        let before = formatter.string(from: Date())
        let value = HTTPDate().current
        let after = formatter.string(from: Date())
        #expect(value.hasPrefix(before) || value.hasPrefix(after))
        #expect(value.hasSuffix(" GMT") && value.count == 29)
    }
}
