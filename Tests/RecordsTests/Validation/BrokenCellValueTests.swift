import Diagnostics
import Exact
import Foundation
import TestSupport
import Testing
@testable import Records

/// Values an outside tester broke (see `BrokenInputTests`).
struct BrokenCellValueTests {
    /// A control character in a value is shown as its code point and explained, never as a
    /// Swift escape.
    @Test func controlCharactersAreShownReadably() throws {
        let folder = try BrokenInputTests.folder { folder in
            let text = "工号,日期,班次,开始,结束,状态,备注\nFM-001,2020-12-05,白班,08:00,16:00,到\u{0}岗,\n"
            try text.write(toFile: folder + "/duty.csv", atomically: true, encoding: .utf8)
        }
        let check = BrokenInputTests.check(folder)
        let d = try #require(check.diagnostics.first { $0.code == "D0107" })
        #expect(d.found == "到〈U+0000〉岗")
        #expect(d.notes.contains { $0.zh.contains("看不见的控制字符") })
        let text = DiagnosticRenderer().render(check.diagnostics)
        #expect(!text.contains("\\u{"))
        #expect(Excerpt.of("a\u{1A}b\u{200B}c\nd") == "a〈U+001A〉b〈U+200B〉c\\nd")
    }

    /// Full-width digits in an ID number or account are the same digits.
    @Test func fullWidthIDNumbersAndAccountsAreNormalised() {
        let id = FieldSpec("身份证号", .idNumber), account = FieldSpec("银行账号", .bankAccount)
        var d = FieldDecoder(fields: [id, account])
        var s = "５２２６３２１９８５０３１２００１７"
        let decoded = s.withUTF8 { d.decode(0, $0, kind: .text) }
        guard case .success(let code)? = decoded else {
            Issue.record("\(String(describing: decoded))")
            return
        }
        #expect(d.text(0, code) == "522632198503120017")
        s = "６２１７　０００１　２３４５　６７８９　０１"
        let a = s.withUTF8 { d.decode(1, $0, kind: .text) }
        guard case .success(let acc)? = a else {
            Issue.record("\(String(describing: a))")
            return
        }
        #expect(d.text(1, acc) == "621700012345678901")
        // 18 characters, one of them not a digit: the characters are wrong, not the length.
        s = "52263219850312001号"
        #expect(s.withUTF8 { d.decode(0, $0, kind: .text) } == .failure(.idNumber(.characters)))
        s = "5226321985031200"
        #expect(s.withUTF8 { d.decode(0, $0, kind: .text) } == .failure(.idNumber(.length(16))))
    }
}
