import Exact
import Foundation
import Testing
@testable import Records

/// Values a tester broke on purpose: each must be refused where it is, never read as another
/// value, an empty cell or a number no month can hold.
struct BrokenValueTests {
    static func decode(_ spec: FieldSpec, _ s: String, _ kind: CellKind = .text) -> Result<Int64, ValueProblem>? {
        var d = FieldDecoder(fields: [spec])
        var s = s
        return s.withUTF8 { d.decode(0, $0, kind: kind) }
    }

    @Test func commasAreThousandsSeparatorsOnly() {
        let points = FieldSpec("分值", .decimal(scale: 2, min: nil, max: nil))
        for bad in ["1,5", "1,2,3", "12,34.5", "１，５", "1,2345.0"] {
            #expect(Self.decode(points, bad) == .failure(.notANumber), "\(bad)")
        }
        #expect(Self.decode(points, "1,234.50") == .success(123_450))
        #expect(Self.decode(points, "１，２３４．５") == .success(123_450))
        #expect(Self.decode(FieldSpec("金额", .money), "12,345,678") == .failure(.beyondLimit(limit: FieldSpec.moneyLimit, rule: nil)))
    }

    @Test func numbersBeyondTheirLimitAreRefused() {
        let money = FieldSpec("专项附加扣除", .money)
        #expect(Self.decode(money, "92233720368547758.07") == .failure(.beyondLimit(limit: FieldSpec.moneyLimit, rule: nil)))
        #expect(Self.decode(money, "10000000.00") == .success(1_000_000_000))
        #expect(Self.decode(money, "-10000000.01") == .failure(.beyondLimit(limit: FieldSpec.moneyLimit, rule: nil)))
        let points = FieldSpec("分值", .decimal(scale: 2, min: nil, max: nil), limit: Fixed(10), limitRule: "调整分值上限")
        #expect(Self.decode(points, "10") == .success(1000))
        #expect(Self.decode(points, "-10.01") == .failure(.beyondLimit(limit: Fixed(10), rule: "调整分值上限")))
        #expect(Self.decode(points, "92233720368547758") == .failure(.beyondLimit(limit: Fixed(10), rule: "调整分值上限")))
        // More digits than exact arithmetic holds: too large, not "no number".
        #expect(Self.decode(points, "99999999999999999999999") == .failure(.beyondLimit(limit: Fixed(10), rule: "调整分值上限")))
        let count = FieldSpec("次数", .integer(min: nil, max: nil))
        #expect(Self.decode(count, "1000000001") == .failure(.beyondLimit(limit: FieldSpec.numberLimit, rule: nil)))
        // A field's own range still words itself as before.
        #expect(Self.decode(FieldSpec("用时", .integer(min: 0, max: 1440)), "99999") == .failure(.outOfRange))
    }

    /// A limit the rules write with more places than the field has is cut to the field's places
    /// (toward zero), not read as units: 2.125 bounds a 2-place field at 2.12, not 21.25.
    @Test func aLimitWithMorePlacesThanTheFieldIsCutToThem() {
        let points = FieldSpec("分值", .decimal(scale: 2, min: nil, max: nil), limit: Fixed(units: 2125, scale: 3), limitRule: "调整分值上限")
        #expect(Self.decode(points, "2.12") == .success(212))
        #expect(Self.decode(points, "-2.12") == .success(-212))
        #expect(Self.decode(points, "2.13") == .failure(.beyondLimit(limit: Fixed(units: 212, scale: 2), rule: "调整分值上限")))
        #expect(Self.decode(points, "21") == .failure(.beyondLimit(limit: Fixed(units: 212, scale: 2), rule: "调整分值上限")))
        let count = FieldSpec("次数", .integer(min: nil, max: nil), limit: Fixed(units: 35, scale: 1))
        #expect(Self.decode(count, "3") == .success(3))
        #expect(Self.decode(count, "4") == .failure(.beyondLimit(limit: Fixed(3), rule: nil)))
    }

    @Test func anUncalculatedFormulaIsNoValueOfAnyType() {
        for spec in [FieldSpec("分值", .decimal(scale: 2, min: nil, max: nil)), FieldSpec("原因", .text), FieldSpec("日期", .date)] {
            #expect(Self.decode(spec, "=1+0.5", .uncalculated) == .failure(.uncalculatedFormula))
            #expect(Self.decode(spec, "", .uncalculated) == .failure(.uncalculatedFormula))
        }
    }

    @Test func keysCompareAsAClerkMeansThem() {
        func hash(_ s: String) -> UInt64 {
            var s = s
            return s.withUTF8 { PrecheckedRows.keyHash($0) }
        }
        let key = hash("FM-2020-12-00001")
        for same in ["ＦＭ-2020-12-00001", "fm-2020-12-00001", "FM\u{200B}-2020-12-00001", "FM-2020-12-000001", "FM－２０２０－１２－００００１"] {
            #expect(hash(same) == key, "\(same)")
        }
        for other in ["FM-2020-12-00010", "FM-2020-12-0001X", "FM-2020-02-00001", "WL-2020-12-00001"] {
            #expect(hash(other) != key, "\(other)")
        }
        #expect(hash("A-0") != hash("A-"))
        #expect(hash("A-000") == hash("A-0"))
        // A key already in its canonical form is hashed as it is.
        #expect(hash("WL-2020-12-12345") == { var s = "WL-2020-12-12345"; return s.withUTF8 { Interner.hash($0) } }())
    }

    @Test func aNamedPipeIsRefusedWithoutWaitingForAWriter() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        #expect(mkfifo(dir + "/duty.csv", 0o644) == 0)
        #expect(throws: ReadError.notAFile(path: dir + "/duty.csv", kind: .pipe)) {
            _ = try TableReader.read(path: dir + "/duty.csv") { _ in }
        }
        try FileManager.default.createDirectory(atPath: dir + "/training.csv", withIntermediateDirectories: true)
        #expect(throws: ReadError.notAFile(path: dir + "/training.csv", kind: .folder)) {
            _ = try TableReader.read(path: dir + "/training.csv") { _ in }
        }
        // Both are listed in the month (where their sources' files should be), and refused.
        let names = InputSet.folder(dir).files.map(\.name)
        #expect(names == ["duty.csv", "training.csv"])
    }
}
