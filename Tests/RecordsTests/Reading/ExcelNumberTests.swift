import Testing
@testable import Records

@Suite("Excel number rendering")
struct ExcelNumberTests {
    @Test(arguments: [
        ("44166", "44166"), ("0.375", "0.375"), ("-12.5", "-12.5"), ("1.5E-2", "0.015"),
        ("5.22632199001011E+17", "522632199001011000"), ("1E-3", "0.001"), ("1e3", "1000"),
        ("100", "100"), ("2.50", "2.5"), ("-0", "0"), ("0.0", "0"), ("000123", "123"),
        (".5", "0.5"), ("5.", "5"), ("+7", "7"), ("1.25E+1", "12.5"), ("-1.5E-7", "-0.00000015"),
        ("123456789012345678901234567890", "123456789012345678901234567890"), (" 42 ", "42"),
        ("9.9999999999999995E+307", "99999999999999995" + String(repeating: "0", count: 291)),
    ])
    func renders(_ input: String, _ expected: String) {
        let out = ByteBuffer(capacity: 16)
        out.append("x")  // renders append after what is there
        let ok = Array(input.utf8).withUnsafeBufferPointer { ExcelNumber.render($0, into: out) }
        #expect(ok)
        #expect(out.string() == "x" + expected)
    }

    @Test(arguments: ["", "abc", "1.2.3", "1E", "E5", "1e+", "12a", "1E999999", "-", "."])
    func refusesNonNumbers(_ input: String) {
        let out = ByteBuffer(capacity: 16)
        let ok = Array(input.utf8).withUnsafeBufferPointer { ExcelNumber.render($0, into: out) }
        #expect(!ok)
        #expect(out.count == 0)
    }
}
